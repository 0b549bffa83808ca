"""Drives the web console in a real browser (Debian's chromium and chromedriver) and prints
what it saw as one JSON object; ConsoleBrowserTests asserts on it.

Steps: an operator signs in and queues an apply run that waits for approval, and finds no
approve button; an approver signs in and approves it, and the page follows the run to
`applied`; a viewer finds no action buttons, and a POST the viewer forges with its own CSRF
token is refused by the server, as is one without the token; the viewer downloads the
evidence bundle, reads the stack's compliance, and charts a metric with its forecast band and
its anomaly. Every page is saved as a screenshot at desktop and phone widths.
"""
import argparse
import json
import os
import time

from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

import chromium

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--shots", required=True)
parser.add_argument("--org", default="acme")
parser.add_argument("--stack", default="shop.dev")
arguments = parser.parse_args()
os.makedirs(arguments.shots, exist_ok=True)

browser = chromium.start()
wait = WebDriverWait(browser, 60)
seen = {"pages": {}}


def shoot(name):
    """The page at desktop and phone width, and its HTML's size."""
    seen["pages"][name] = len(browser.page_source.encode())
    for label, (width, height) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        browser.set_window_size(width, height)
        browser.save_screenshot(os.path.join(arguments.shots, f"{name}-{label}.png"))
    browser.set_window_size(1280, 900)


def sign_in(user):
    browser.get(arguments.url + "/console")
    wait.until(ready.presence_of_element_located((By.ID, "user")))
    browser.find_element(By.ID, "user").send_keys(user)
    browser.find_element(By.ID, "password").send_keys(arguments.password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/console/login'] button").click()
    wait.until(ready.title_contains("Stacks"))


def sign_out():
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait.until(ready.presence_of_element_located((By.ID, "user")))


def state():
    """The run's state as the page shows it, or None while the page is replacing itself.

    The run page reloads when the run moves on, so the element is read in one script call:
    finding it and then asking for its text can straddle the reload and fail."""
    try:
        return browser.execute_script("const e = document.getElementById('run-state'); return e && e.textContent.trim();")
    except WebDriverException:
        return None


def buttons():
    return [button.text for button in browser.find_elements(By.CSS_SELECTOR, "main button")]


def post(path, with_token):
    """A form POST from the page's own origin, with or without the session's CSRF token."""
    return browser.execute_async_script(
        """
        const [path, withToken, done] = arguments;
        const body = new URLSearchParams({kind: 'apply'});
        if (withToken) body.set('csrf', document.querySelector('form.signout input[name=csrf]').value);
        fetch(path, {method: 'POST', body, credentials: 'same-origin', redirect: 'manual'})
          .then(response => response.text().then(text => done({status: response.status, text})));
        """,
        path,
        with_token,
    )


def security():
    browser.get(arguments.url + "/console/dashboards/security")
    wait.until(ready.title_contains("Security"))
    return {
        "severities": {e.get_attribute("id")[len("severity-"):]: int(e.text) for e in browser.find_elements(By.CSS_SELECTOR, "[id^=severity-]")},
        "findings": [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.finding")],
        "denials": [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.denial")],
        "denialsHidden": "Organisation administrators see" in browser.page_source,
    }


try:
    browser.get(arguments.url + "/console")
    wait.until(ready.presence_of_element_located((By.ID, "user")))
    shoot("sign-in")

    sign_in("operator-user")
    cookie = next(c for c in browser.get_cookies() if c["name"] == "dharma_session")
    seen["cookie"] = {"secure": cookie.get("secure"), "httpOnly": cookie.get("httpOnly"), "sameSite": cookie.get("sameSite")}
    shoot("stacks")
    browser.find_element(By.LINK_TEXT, arguments.stack).click()
    wait.until(ready.title_contains(arguments.stack))
    shoot("stack")
    seen["operatorStackButtons"] = buttons()
    apply_form = browser.find_element(By.CSS_SELECTOR, "form input[name=kind][value=apply]").find_element(By.XPATH, "..")
    apply_form.find_element(By.TAG_NAME, "button").click()
    wait.until(lambda _: state() == "needs_approval")
    run_url = browser.current_url
    seen["runPath"] = run_url[len(arguments.url):]
    # The page follows the run over a WebSocket authenticated by the session cookie.
    wait.until(lambda _: browser.execute_script("return document.getElementById('log').dataset.received"))
    seen["liveMessages"] = int(browser.execute_script("return document.getElementById('log').dataset.received"))
    seen["operatorRunButtons"] = buttons()
    seen["planChanges"] = [change.text for change in browser.find_elements(By.CSS_SELECTOR, "li.change")]
    shoot("run-waiting")
    # The queue lists the run while it waits for its approval.
    browser.get(arguments.url + "/console/runs")
    seen["queue"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#queue tr.queued")]
    shoot("runs")
    sign_out()

    sign_in("approver-user")
    browser.get(run_url)
    wait.until(ready.element_to_be_clickable((By.ID, "approve")))
    browser.find_element(By.ID, "approve-reason").send_keys("checked in the browser")
    browser.find_element(By.ID, "approve").click()
    states = []
    deadline = time.time() + 90
    while time.time() < deadline:
        current = state()
        if current is None:
            time.sleep(0.2)
            continue
        if not states or states[-1] != current:
            states.append(current)
        if current in ("applied", "errored", "discarded", "canceled"):
            break
        time.sleep(0.3)
    seen["states"] = states
    seen["log"] = browser.find_element(By.ID, "log").text
    shoot("run-applied")
    sign_out()

    sign_in("viewer-user")
    seen["stackRows"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    browser.get(run_url)
    wait.until(ready.presence_of_element_located((By.ID, "run-state")))
    seen["viewerRunButtons"] = buttons()
    browser.get(arguments.url + f"/console/orgs/{arguments.org}/stacks/{arguments.stack}")
    wait.until(ready.title_contains(arguments.stack))
    seen["viewerStackButtons"] = buttons()
    seen["graphNodes"] = len(browser.find_elements(By.CSS_SELECTOR, "svg.graph rect"))
    seen["resources"] = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "details summary strong")]
    shoot("stack-applied")
    browser.find_element(By.LINK_TEXT, "v1").click()
    wait.until(ready.title_contains("v1"))
    seen["versionChanges"] = [change.text for change in browser.find_elements(By.CSS_SELECTOR, "li.change")]
    shoot("version")
    browser.back()
    wait.until(ready.title_contains(arguments.stack))
    forged = post(f"/console/orgs/{arguments.org}/stacks/{arguments.stack}/runs", True)
    seen["viewerPost"] = {"status": forged["status"], "refusal": "forbidden" in forged["text"] or "may not" in forged["text"]}
    missing = post(f"/console/orgs/{arguments.org}/stacks/{arguments.stack}/runs", False)
    seen["noTokenPost"] = {"status": missing["status"], "csrf": "CSRF" in missing["text"]}
    browser.get(arguments.url + f"/console/orgs/{arguments.org}/audit")
    wait.until(ready.title_contains("Audit log"))
    seen["auditActions"] = [row.find_elements(By.TAG_NAME, "td")[3].text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr[id^=entry-]")]
    first = browser.find_element(By.CSS_SELECTOR, "button.verify")
    first.click()
    wait.until(lambda _: first.find_element(By.XPATH, "..").find_element(By.CLASS_NAME, "verdict").text.startswith(("✓", "✗")))
    seen["verdict"] = first.find_element(By.XPATH, "..").find_element(By.CLASS_NAME, "verdict").text
    # The same proof with one character of the entry changed must not verify in the browser.
    seen["tamperedVerifies"] = browser.execute_async_script(
        """
        const [url, done] = arguments;
        fetch(url, {credentials: 'same-origin'}).then(r => r.json()).then(async proof => {
          const honest = await window.dharmaAudit.verify(proof);
          proof.entry = proof.entry.replace('"actor":"', '"actor":"x');
          done({honest, tampered: await window.dharmaAudit.verify(proof)});
        });
        """,
        first.get_attribute("data-proof"),
    )
    shoot("audit")
    # The evidence bundle downloads as the file `dharma audit verify --bundle` reads.
    seen["evidence"] = browser.execute_async_script(
        """
        const [url, done] = arguments;
        fetch(url, {credentials: 'same-origin'}).then(async r => {
          const bundle = await r.json();
          done({status: r.status, disposition: r.headers.get('Content-Disposition') || '', entries: bundle.entries.length, checkpoints: bundle.checkpoints.length});
        });
        """,
        browser.find_element(By.ID, "evidence").get_attribute("href"),
    )
    browser.get(arguments.url + f"/console/orgs/{arguments.org}/stacks/{arguments.stack}")
    browser.find_element(By.LINK_TEXT, "compliance").click()
    wait.until(ready.presence_of_element_located((By.ID, "compliance-score")))
    seen["compliance"] = {
        "title": browser.title,
        "controls": len(browser.find_elements(By.CSS_SELECTOR, "tr.control")),
        "statuses": sorted({row.get_attribute("class").split()[-1] for row in browser.find_elements(By.CSS_SELECTOR, "tr.control")}),
        "current": browser.find_element(By.CSS_SELECTOR, ".tabs [aria-current]").text,
    }
    shoot("compliance")
    browser.get(arguments.url + f"/console/orgs/{arguments.org}/metrics")
    wait.until(ready.presence_of_element_located((By.ID, "metric-query")))
    browser.find_element(By.ID, "metric-query").send_keys('cpu{resource="web"}')
    Select(browser.find_element(By.ID, "metric-since")).select_by_visible_text("24h")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "svg.chart")))
    chart = browser.find_element(By.CSS_SELECTOR, "svg.chart")
    seen["metrics"] = {
        "charts": len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")),
        "bands": len(chart.find_elements(By.CSS_SELECTOR, "polygon.band")),
        "anomalies": [a.find_element(By.TAG_NAME, "title").get_attribute("textContent") for a in chart.find_elements(By.CSS_SELECTOR, "circle.anomaly")],
        "label": chart.get_attribute("aria-label"),
        "rows": [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")],
    }
    shoot("metrics")
    browser.find_element(By.ID, "metric-query").clear()
    browser.find_element(By.ID, "metric-query").send_keys("rate(cpu")
    browser.find_element(By.CSS_SELECTOR, "form[role=search] button").click()
    wait.until(ready.presence_of_element_located((By.ID, "metric-error")))
    seen["metricsError"] = browser.find_element(By.ID, "metric-error").text
    browser.get(arguments.url + "/console/tokens")
    wait.until(ready.title_contains("API tokens"))
    shoot("tokens")
    seen["viewerSecurity"] = security()
    sign_out()

    # An admin of the organisation sees the viewer's refused form on the security dashboard.
    sign_in("admin-user")
    seen["adminSecurity"] = security()
    shoot("security")
    browser.get(arguments.url + "/console/dashboards/executive")
    wait.until(ready.title_contains("Executive"))
    seen["executive"] = {
        "cost": browser.find_element(By.ID, "total-cost").text,
        "charts": len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")),
        "rows": [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.stack-row")],
        "frameworks": [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.framework")],
    }
    shoot("executive")
    # A drift check from the stack's page, then the list shows it beside the stack's health.
    browser.get(arguments.url + f"/console/orgs/{arguments.org}/stacks/{arguments.stack}")
    wait.until(ready.title_contains(arguments.stack))
    seen["driftBefore"] = browser.find_element(By.ID, "drift-state").text
    browser.find_element(By.XPATH, "//button[normalize-space()='Check drift now']").click()
    wait.until(lambda _: "checked" in browser.find_element(By.ID, "drift-state").text)
    seen["driftAfter"] = browser.find_element(By.ID, "drift-state").text
    browser.get(arguments.url + "/console")
    wait.until(ready.title_contains("Stacks"))
    seen["listedStack"] = browser.find_element(By.CSS_SELECTOR, "tr.stack-row").text
    shoot("stacks-checked")
finally:
    browser.quit()

print(json.dumps(seen))
