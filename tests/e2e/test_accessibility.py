"""axe-core on every public page and the dashboard; and the pages keep to their CSP."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import screenshot

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    "/",
    "/maakunnat/17/",
    "/kunnat/564/",
    "/saavutettavuusseloste/",
    "/tietosuojaseloste/",
    "/tili/login/",
    "/tili/signup/",
    "/tili/login/code/",
]
BLOCKING = {"serious", "critical"}
# Runs in the page before any of its own code: a CSP violation is recorded even when the
# browser does not print it.
RECORD_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => window.__cspViolations.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`));
"""

_axe = Axe()


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:160]}")
            summary = node.get("failureSummary", "").replace("\n", "\n       ")
            lines.append(f"       {summary}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more")
    return "\n".join(lines)


def check_page(page, console, url: str, name: str) -> None:
    response = page.goto(url)
    assert response is not None and response.status == 200, (url, response and response.status)
    page.wait_for_load_state("networkidle")

    violations = _axe.run(page).response["violations"]
    if violations:
        print(f"\naxe on {url}:\n{describe(violations)}")
    blocking = [v for v in violations if v["impact"] in BLOCKING]

    csp_console = [
        line
        for line in console
        if "content security policy" in line.lower() or "csp" in line.lower()
    ]
    csp_events = page.evaluate("window.__cspViolations || []")
    screenshot(page, f"a11y-{name}", full_page=False)

    problems = []
    if blocking:
        problems.append(f"serious/critical axe violations on {url}:\n{describe(blocking)}")
    if csp_console or csp_events:
        problems.append(f"CSP problems on {url}: {csp_console + csp_events}")
    assert not problems, "\n\n".join(problems)


@pytest.fixture
def csp_recorder(context):
    context.add_init_script(RECORD_CSP)


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_page_is_accessible_and_keeps_to_csp(page, console, csp_recorder, places, url):
    name = url.strip("/").replace("/", "-") or "front"
    check_page(page, console, url, name)


def test_dashboard_is_accessible_and_keeps_to_csp(page, console, csp_recorder, world, sign_in):
    sign_in(world.user("oulu_liaison"))
    check_page(page, console, "/oma/", "dashboard-liaison")
    assert "Oulu" in page.locator("main").inner_text()
