"""A file that could not be opened, kept in the tree as a marked row with the reason."""

from __future__ import annotations

from storage import NodeInfo, NodeKind, Source


class FailedSource(Source):
    format = "failed"

    def __init__(self, location: str, reason: str) -> None:
        super().__init__(location)
        self.reason = reason

    def info(self, path: str) -> NodeInfo:
        return NodeInfo("/", self.name, kind=NodeKind.UNREADABLE, error=self.reason, detailed=True,
                        n_children=0)

    def list_children(self, path: str) -> list[NodeInfo]:
        return []

    def describe(self, path: str, names: list[str]) -> list[NodeInfo]:
        return []

    def find(self, text: str, **kwargs) -> list[NodeInfo]:
        return []

    def attributes(self, path: str):
        return []

    def properties(self, path: str) -> list[tuple[str, str]]:
        return [("File", self.location), ("Problem", self.reason)]

    def snippet(self, path: str) -> str:
        return f"# {self.location} cannot be opened: {self.reason}\n"
