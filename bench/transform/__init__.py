"""Helpers of ``bench/transform_throughput.py``: data, processes, load and memory."""
