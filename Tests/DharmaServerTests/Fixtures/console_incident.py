"""Follows an incident in the web console (Debian's chromium through Selenium): signs in,
finds the incident on the stack's page, opens it and waits until its page, which follows it,
says it was resolved. Prints what it saw as one JSON object."""
import argparse
import json
import os
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait

import chromium

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--stack", required=True)
parser.add_argument("--shots", required=True)
arguments = parser.parse_args()
os.makedirs(arguments.shots, exist_ok=True)

browser = chromium.start()
wait = WebDriverWait(browser, 120)
seen = {}


def shoot(name):
    for label, (width, height) in {"desktop": (1280, 900), "phone": (390, 844)}.items():
        browser.set_window_size(width, height)
        browser.save_screenshot(os.path.join(arguments.shots, f"{name}-{label}.png"))
    browser.set_window_size(1280, 900)


try:
    browser.get(arguments.url + "/console/login")
    browser.find_element(By.ID, "user").send_keys(arguments.user)
    browser.find_element(By.ID, "password").send_keys(arguments.password)
    browser.find_element(By.CSS_SELECTOR, "form[action='/console/login'] button").click()
    wait.until(ready.title_contains("Stacks"))
    stack_url = arguments.url + f"/console/orgs/acme/stacks/{arguments.stack}"

    def incident_listed(_):
        browser.get(stack_url)
        return browser.find_elements(By.CSS_SELECTOR, "tr.incident a")

    WebDriverWait(browser, 120, poll_frequency=1).until(incident_listed)
    seen["listed"] = browser.find_element(By.CSS_SELECTOR, "tr.incident").text
    seen["serviceLevels"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#slo tr.slo")]
    shoot("stack-incident")
    browser.find_element(By.CSS_SELECTOR, "tr.incident a").click()
    wait.until(ready.presence_of_element_located((By.ID, "incident-status")))
    statuses = []
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            status = browser.find_element(By.ID, "incident-status").text
        except Exception:  # the page is reloading itself
            time.sleep(0.3)
            continue
        if not statuses or statuses[-1] != status:
            statuses.append(status)
        if status != "open":
            break
        time.sleep(0.5)
    seen["statuses"] = statuses
    seen["timeline"] = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#timeline li")]
    shoot("incident")
    browser.get(arguments.url + "/console/dashboards/operations")
    wait.until(ready.title_contains("Operations"))
    seen["mttr"] = browser.find_element(By.ID, "mttr").text
    seen["operationsRows"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    shoot("operations")
    browser.get(arguments.url + "/console/dashboards/developer")
    wait.until(ready.title_contains("My work"))
    seen["myRuns"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    shoot("developer")
    # The restart that healed the replica counts in the AIOps table, beside the models' cards.
    browser.get(arguments.url + "/console/dashboards/aiops")
    wait.until(ready.title_contains("AIOps"))
    seen["models"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "li.model")]
    seen["remediations"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.symptom")]
    shoot("aiops")
    browser.get(arguments.url + "/console/dashboards/business")
    wait.until(ready.title_contains("Business"))
    seen["teams"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.team")]
    seen["labels"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.label")]
    seen["burns"] = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "tr.burn")]
    shoot("business")
finally:
    browser.quit()

print(json.dumps(seen))
