"""Signs in to the web console through oidc-provider-mock's login form, as a person would, and
prints what it saw as one JSON object; OIDCTests asserts on it.

Steps: alice (a server user whose groups claim says acme:operator) signs in through the
provider and lands on the stack list, and signs out; mallory (no user of this server) gets through the provider's form but
not into the console.
"""
import argparse
import json
import urllib.parse
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

import chromium

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--issuer", required=True)
parser.add_argument("--shots", required=True)
arguments = parser.parse_args()

browser = chromium.start()
wait = WebDriverWait(browser, 60)
seen = {}


def claims(sub, values):
    """The claims the provider puts in `sub`'s ID token."""
    request = urllib.request.Request(f"{arguments.issuer}/users/{urllib.parse.quote(sub)}", data=json.dumps(values).encode(),
                                     method="PUT", headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request).read()


def through_provider(sub):
    """From the console's sign-in page to the provider's form, signed in there as `sub`."""
    browser.get(arguments.url + "/console/login")
    wait.until(ready.presence_of_element_located((By.ID, "sso")))
    browser.find_element(By.ID, "sso").click()
    wait.until(ready.presence_of_element_located((By.NAME, "sub")))
    seen.setdefault("providerURLs", []).append(browser.current_url)
    browser.find_element(By.NAME, "sub").send_keys(sub)
    browser.find_element(By.XPATH, "//button[normalize-space()='Authorize']").click()


try:
    claims("alice", {"preferred_username": "oidc-alice", "groups": ["acme:operator"]})
    browser.get(arguments.url + "/console/login")
    browser.save_screenshot(arguments.shots + "/sign-in-sso-desktop.png")
    through_provider("alice")
    wait.until(ready.title_contains("Stacks"))
    seen["who"] = browser.find_element(By.CSS_SELECTOR, ".who").text
    seen["organisations"] = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "main h2")]
    seen["cookies"] = sorted(c["name"] for c in browser.get_cookies())
    seen["landedOn"] = browser.current_url
    browser.find_element(By.CSS_SELECTOR, "form.signout button").click()
    wait.until(ready.presence_of_element_located((By.ID, "user")))

    claims("mallory", {"preferred_username": "mallory", "groups": ["acme:admin"]})
    through_provider("mallory")
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "p.error")))
    seen["malloryError"] = browser.find_element(By.CSS_SELECTOR, "p.error").text
    seen["malloryCookies"] = sorted(c["name"] for c in browser.get_cookies())
finally:
    browser.quit()

print(json.dumps(seen))
