"""A parsed transformation chain with the facts delivery needs on every request, computed
once per distinct chain text (parsing is pure, so one bounded memo serves all accounts)."""

from __future__ import annotations

from dataclasses import dataclass

from imagekit_server.delivery.hot_cache import BoundedMemo
from imagekit_server.imaging import Plan, TransformationError, is_negotiated, parse_transformation
from imagekit_server.imaging.plan import Step


@dataclass(frozen=True)
class Chain:
    plan: Plan
    key: str  # Plan.cache_key(): the normalised text
    negotiated: bool  # the output format depends on Accept
    uses_client_hints: bool
    uses_width_auto: bool  # the response then carries `Content-DPR`
    named_only: bool  # only `n-` references: private files may be read unsigned
    # `fo-custom` reads the file's stored focus area, which can change without a new version.
    uses_custom_focus: bool

    @classmethod
    def of(cls, plan: Plan) -> Chain:
        key = plan.cache_key()
        return cls(
            plan=plan,
            key=key,
            negotiated=not plan.original and is_negotiated(plan.output.format),
            uses_client_hints=plan.uses_client_hints,
            uses_width_auto=any(isinstance(n, Step) and n.width_auto for n in plan.steps),
            named_only=bool(plan.named)
            and not plan.steps
            and not plan.original
            and not plan.default_image,
            uses_custom_focus="fo-custom" in key,
        )


def invalid_chain(error: Exception) -> TransformationError:
    """Anything the parser raises besides TransformationError must still be a 400."""
    return TransformationError(400, "EINVALIDTRANSFORMATION", f"invalid transformation: {error}")


def _parse(text: str) -> Chain | TransformationError:
    try:
        return Chain.of(parse_transformation(text))
    except TransformationError as error:
        return error
    except (ValueError, ArithmeticError, RecursionError) as error:
        return invalid_chain(error)


parsed_chain = BoundedMemo(_parse)
