"""One declaration per API method, a blocking and an awaiting method made from it.

An API method is declared once (in ``imagekitio.api_methods``) as a function that builds an
``Operation`` (request plus decoder; no I/O). ``api_method`` turns that declaration into a
descriptor: on a ``BlockingShell`` (``ImageKit``) it is a method that sends the operation and
returns the result; on an ``AwaitingShell`` (``AsyncImageKit``) it is a coroutine method doing
the same through the async transport. Both keep the declaration's name, parameters and
docstring; their return annotation is the ``Operation``'s result type, so type checkers,
``help()`` and ``inspect.signature`` show ``list_files(...) -> ListFileResult`` on both clients
(see docs/sdk-internals.md).
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable, Coroutine
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, overload

from .wire import Operation

P = ParamSpec("P")
ResultT = TypeVar("ResultT")

_OPERATION_PREFIX = "Operation["


class BlockingShell:
    """A client whose API methods block: ``_send`` moves the bytes and decodes the answer."""

    def _send(self, operation: Operation[ResultT]) -> ResultT:
        raise NotImplementedError


class AwaitingShell:
    """A client whose API methods are coroutines."""

    async def _send(self, operation: Operation[ResultT]) -> ResultT:
        raise NotImplementedError


Declaration = Callable[Concatenate[Any, P], Operation[ResultT]]


def _result_annotation(declaration: Callable[..., Any]) -> str:
    # Annotations are strings here (``from __future__ import annotations``): "Operation[X]".
    annotation = inspect.signature(declaration).return_annotation
    if not (isinstance(annotation, str) and annotation.startswith(_OPERATION_PREFIX)):
        raise TypeError(f"{declaration.__qualname__} must be annotated '-> Operation[...]'")
    return annotation.removeprefix(_OPERATION_PREFIX).removesuffix("]")


def _dress(method: Callable[..., Any], declaration: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``method`` the declaration's name, docstring and public signature."""
    signature = inspect.signature(declaration)
    method.__signature__ = signature.replace(  # type: ignore[attr-defined]
        return_annotation=_result_annotation(declaration)
    )
    method.__name__ = declaration.__name__
    method.__qualname__ = declaration.__qualname__
    method.__module__ = declaration.__module__
    method.__doc__ = declaration.__doc__
    return method


class ApiMethod(Generic[P, ResultT]):
    """The descriptor ``api_method`` returns; see the module docstring."""

    def __init__(self, declaration: Declaration[P, ResultT]) -> None:
        self.declaration = declaration

        def blocking(shell: BlockingShell, *args: Any, **kwargs: Any) -> Any:
            return shell._send(declaration(shell, *args, **kwargs))

        async def awaiting(shell: AwaitingShell, *args: Any, **kwargs: Any) -> Any:
            # Built inside the coroutine: invalid arguments raise when it is awaited.
            return await shell._send(declaration(shell, *args, **kwargs))

        self.blocking = _dress(blocking, declaration)
        self.awaiting = _dress(awaiting, declaration)

    @overload
    def __get__(
        self, shell: None, owner: type[AwaitingShell]
    ) -> Callable[Concatenate[Any, P], Coroutine[Any, Any, ResultT]]: ...

    @overload
    def __get__(
        self, shell: None, owner: type[BlockingShell]
    ) -> Callable[Concatenate[Any, P], ResultT]: ...

    @overload
    def __get__(self, shell: None, owner: type[Any]) -> ApiMethod[P, ResultT]: ...

    @overload
    def __get__(
        self, shell: AwaitingShell, owner: type[Any]
    ) -> Callable[P, Coroutine[Any, Any, ResultT]]: ...

    @overload
    def __get__(self, shell: BlockingShell, owner: type[Any]) -> Callable[P, ResultT]: ...

    def __get__(self, shell: Any, owner: type[Any]) -> Any:
        if issubclass(owner, AwaitingShell):
            method = self.awaiting
        elif issubclass(owner, BlockingShell):
            method = self.blocking
        else:  # the declaring class itself
            return self
        return method if shell is None else types.MethodType(method, shell)


def api_method(declaration: Declaration[P, ResultT]) -> ApiMethod[P, ResultT]:
    """Declare an API method by the ``Operation`` it builds (see the module docstring)."""
    return ApiMethod(declaration)
