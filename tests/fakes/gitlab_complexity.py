"""GitLab's score of a GraphQL document, as GitLab documents it: each field 1, a connection
up to twice its fields at 100 nodes (1% a node), +1 for `sort`, no multiplier when looked
up by `iid`/`iids`; and its depth. Fragments are expanded; what `@include`/`@skip` leave
out is not scored."""

from __future__ import annotations

from typing import Any

from graphql import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
)


class Scorer:
    """GitLab's complexity and depth of a document, fragments expanded."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any], page: int
    ) -> None:
        self.schema = schema
        self.variables = variables
        self.page = page
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operation = next(
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        )

    def score(self) -> int:
        assert self.schema.query_type is not None
        return self._score(self.operation.selection_set, self.schema.query_type)

    def depth(self) -> int:
        return self._depth(self.operation.selection_set)

    def _fields(
        self, selections: SelectionSetNode | None, parent: Any
    ) -> list[tuple[FieldNode, Any]]:
        found: list[tuple[FieldNode, Any]] = []
        for node in selections.selections if selections else ():
            if self._skipped(node):
                continue
            if isinstance(node, FieldNode):
                found.append((node, parent))
            elif isinstance(node, FragmentSpreadNode):
                fragment = self.fragments[node.name.value]
                kind = self.schema.get_type(fragment.type_condition.name.value)
                found += self._fields(fragment.selection_set, kind)
            elif isinstance(node, InlineFragmentNode):
                condition = node.type_condition
                kind = self.schema.get_type(condition.name.value) if condition else parent
                found += self._fields(node.selection_set, kind)
        return found

    def _skipped(self, node: Any) -> bool:
        """`@include(if: false)` or `@skip(if: true)`: graphql-ruby's analysis leaves the
        selection out of the score, as execution leaves it out of the answer."""
        for directive in getattr(node, "directives", None) or ():
            condition = next((a.value for a in directive.arguments if a.name.value == "if"), None)
            value = self._value(condition) if condition is not None else None
            if isinstance(condition, BooleanValueNode):
                value = condition.value
            if (directive.name.value, bool(value)) in (("include", False), ("skip", True)):
                return True
        return False

    def _score(self, selections: SelectionSetNode | None, parent: Any) -> int:
        total = 0
        for node, owner in self._fields(selections, parent):
            name = node.name.value
            if name.startswith("__"):
                continue
            definition = owner.fields[name]
            inner = get_named_type(definition.type)
            total += self._field(node, inner, self._score(node.selection_set, inner))
        return total

    def _field(self, node: FieldNode, inner: Any, children: int) -> int:
        cost = 1 + children
        if not inner.name.endswith("Connection"):
            return cost
        args = {a.name.value: self._value(a.value) for a in node.arguments or ()}
        cost += 1 if args.get("sort") is not None else 0
        if args.get("iids") or args.get("iid"):
            return cost
        nodes = min(args.get("first") or args.get("last") or self.page, self.page)
        return int(cost + cost * nodes * 0.01)

    def _value(self, value: ValueNode) -> Any:
        if isinstance(value, VariableNode):
            return self.variables.get(value.name.value)
        if isinstance(value, ListValueNode):
            return [self._value(v) for v in value.values]
        raw = getattr(value, "value", None)
        return int(raw) if isinstance(raw, str) and raw.isdigit() else raw

    def _depth(self, selections: SelectionSetNode | None) -> int:
        deepest = 0
        for node, _ in self._fields(selections, None):
            deepest = max(deepest, 1 + self._depth(node.selection_set))
        return deepest
