"""Every URL pattern of the project, walked from the root resolver.

The permission matrix uses this to prove that it has a row for each pattern: a URL added
without a row makes `test_every_url_pattern_has_a_row` fail.
"""

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Endpoint:
    key: str  # "namespace:name" for named patterns, the full route string for unnamed ones
    route: str  # the full route, prefixes of the including resolvers joined
    namespace: str  # "" outside any namespace
    named: bool


def _join(route1: str, route2: str) -> str:
    # As URLResolver._join_route: the key of an unnamed pattern equals ResolverMatch.route.
    return route1 + route2.removeprefix("^") if route1 else route2


def walk(resolver: URLResolver | None = None) -> list[Endpoint]:
    found: list[Endpoint] = []

    def visit(res: URLResolver, prefix: str, namespace: str) -> None:
        for entry in res.url_patterns:
            route = _join(prefix, str(entry.pattern))
            if isinstance(entry, URLResolver):
                ns = namespace
                if entry.namespace:
                    ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                visit(entry, route, ns)
            elif isinstance(entry, URLPattern):
                if entry.name:
                    key = f"{namespace}:{entry.name}" if namespace else entry.name
                    found.append(Endpoint(key, route, namespace, True))
                else:
                    found.append(Endpoint(route, route, namespace, False))

    visit(resolver or get_resolver(), "", "")
    return found


def keys(resolver: URLResolver | None = None) -> set[str]:
    return {e.key for e in walk(resolver)}
