"""The seed's user journey in a real browser (headless Chromium through Selenium), against the real binary.

Set up the owner -> sign in -> enrol TOTP (codes computed here from the secret) -> sign out and in again with a code
-> create an API key -> copy it -> reload: the key is gone from the page -> the API accepts the copied key -> revoke
-> the API refuses it. Then create a link, open its tracking URL, and see the count, the chart and the live
clickstream change; decode both QR codes (the link's and the TOTP enrolment's) with zbar. Screenshots of every page
at 1280 and 390 pixels wide go to the output folder. Prints one line per check; exits 1 when any failed.
"""
import base64, hashlib, hmac, json, os, re, struct, subprocess, sys, tempfile, time, urllib.request, urllib.error

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import WebDriverWait

BASE = sys.argv[1]
SETUP_URL = sys.argv[2]
OUT = sys.argv[3]
os.makedirs(OUT, exist_ok=True)
results = []


def check(what, ok, detail=""):
    results.append(ok)
    print(("ok   - " if ok else "FAIL - ") + what + ("" if ok or not detail else f" ({detail})"), flush=True)
    return ok


def totp(secret_b32, step=None):
    key = base64.b32decode(secret_b32.replace(" ", "") + "=" * (-len(secret_b32.replace(" ", "")) % 8))
    step = int(time.time() // 30) if step is None else step
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return "%06d" % ((struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000)


def api(path, key):
    request = urllib.request.Request(BASE + path, headers={"X-ClickMeter-API-Key": key})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def api_post(path, key, payload):
    request = urllib.request.Request(BASE + path, data=json.dumps(payload).encode(), method="POST",
                                     headers={"X-ClickMeter-API-Key": key, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


class Beacons:
    """A receiver on loopback for what a tenant's script reports (image requests to /r?what)."""

    def __init__(self):
        import http.server, threading
        self.seen = []
        seen = self.seen

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                seen.append(self.path.partition("?")[2])
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/r"


# A retargeting script as an attacker inside the account would write it: read the signed-in user's key page (its
# CSRF token would let it mint an admin key), read cookies, post the key form. It reports each outcome.
ATTACK_SCRIPT = """<script>
function report(what) { new Image().src = BEACON + "?" + what; }
report("ran");
try {
  fetch("/dashboard/keys", {credentials: "include"}).then(function (r) { return r.text(); }).then(
    function (t) { report(t.indexOf("API keys") >= 0 ? "read-dashboard" : "fetched-other"); },
    function () { report("fetch-refused"); });
} catch (e) { report("fetch-threw"); }
try { report(document.cookie.indexOf("ct_session") >= 0 ? "cookie-read" : "cookie-empty"); } catch (e) { report("cookie-refused"); }
var form = document.createElement("form");
form.method = "POST"; form.action = "/dashboard/keys";
var field = document.createElement("input"); field.name = "name"; field.value = "stolen"; form.appendChild(field);
document.body.appendChild(form);
try { form.submit(); report("form-submitted"); } catch (e) { report("form-threw"); }
</script>"""


def decode_qr(svg_text):
    with tempfile.TemporaryDirectory() as folder:
        svg = os.path.join(folder, "qr.svg")
        png = os.path.join(folder, "qr.png")
        with open(svg, "w") as handle:
            handle.write(svg_text)
        subprocess.run(["rsvg-convert", "-w", "600", "-b", "white", "-o", png, svg], check=True)
        result = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, text=True)
        return result.stdout.strip()


options = Options()
for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"]:
    options.add_argument(argument)
options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
driver = webdriver.Chrome(service=Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver")), options=options)
driver.implicitly_wait(2)


def shot(name):
    """The page at desktop and phone width (the page must not scroll sideways at 390 px)."""
    for width in (1280, 390):
        driver.set_window_size(width, 900)
        height = driver.execute_script("return Math.max(document.body.scrollHeight, 900)")
        driver.set_window_size(width, min(height + 100, 6000))
        driver.save_screenshot(os.path.join(OUT, f"{name}-{width}.png"))
        if width == 390:
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            check(f"{name}: no sideways scrolling at 390 px", overflow <= 1, f"{overflow}px wider")
    driver.set_window_size(1280, 900)


def fill(field_id, value):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def submit(form_action):
    """Submits the form and waits until the next page has replaced this one and finished loading (a marker left on
    this page's window is gone). Chrome may answer any command during the navigation with an error: retried."""
    driver.execute_script("window.__before_submit = true")
    driver.find_element(By.CSS_SELECTOR, f"form[action='{form_action}'] button[type=submit]").click()

    def replaced(_):
        try:
            return driver.execute_script("return window.__before_submit === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False

    WebDriverWait(driver, 15).until(replaced)


def text():
    return driver.find_element(By.TAG_NAME, "body").text


try:
    email, password = "owner@example.com", "a long enough password"
    driver.get(SETUP_URL)
    shot("setup")
    fill("email", email)
    fill("password", password)
    fill("password2", password)
    submit("/dashboard/setup")
    check("setup creates the owner and signs in", driver.current_url.rstrip("/").endswith("/dashboard") and "Overview" in text(), driver.current_url)
    shot("overview-empty")
    driver.get(SETUP_URL)
    check("the setup link works only once", "Setup is closed" in text())

    # Two-factor: enrol with a code computed from the shown secret; the recovery codes are shown once.
    driver.get(BASE + "/dashboard/security")
    shot("security")
    submit("/dashboard/security/totp/start")
    secret = driver.find_element(By.ID, "totp-secret").text.replace(" ", "")
    qr_svg = driver.find_element(By.CSS_SELECTOR, ".qr svg").get_attribute("outerHTML")
    decoded = decode_qr(qr_svg)
    check("the enrolment QR code decodes (zbar) to the otpauth URI with the secret", decoded.startswith("otpauth://totp/") and f"secret={secret}" in decoded, decoded)
    shot("totp-enrol")
    fill("code", totp(secret))
    submit("/dashboard/security/totp/confirm")
    codes = driver.find_element(By.ID, "recovery").get_attribute("value").split()
    check("confirming shows 10 recovery codes", len(codes) == 10, str(len(codes)))
    shot("recovery-codes")
    driver.refresh()
    check("recovery codes are not shown again on reload", not any(code in driver.page_source for code in codes))

    # Sign out and in again: password, then a code of the next 30-second step (a used step is refused).
    submit("/dashboard/logout")
    driver.get(BASE + "/dashboard/keys")
    check("signed out, a page sends to sign-in", "/dashboard/login" in driver.current_url, driver.current_url)
    fill("email", email)
    fill("password", "wrong password!")
    submit("/dashboard/login")
    check("a wrong password is refused with the generic message", "Wrong e-mail or password." in text())
    shot("login")
    fill("password", password)
    submit("/dashboard/login")
    check("the password leads to the code page", "/dashboard/login/code" in driver.current_url, driver.current_url)
    shot("code")
    used = int(time.time() // 30)
    while int(time.time() // 30) == used:
        time.sleep(0.5)
    fill("code", totp(secret))
    submit("/dashboard/login/code")
    check("the code completes sign-in", driver.current_url.rstrip("/").endswith("/dashboard"), driver.current_url)

    # API keys: create, copy, reload (gone), use, revoke, refused.
    driver.get(BASE + "/dashboard/keys")
    fill("name", "browser test key")
    shot("keys-empty")
    submit("/dashboard/keys")
    full_key = driver.find_element(By.ID, "full-key").get_attribute("value")
    check("the new key is shown once, with the warning and curl examples",
          len(full_key) > 20 and "will not be shown again" in text() and "curl -H" in text())
    copy = driver.find_element(By.CSS_SELECTOR, "button[data-copy='full-key']")
    copy.click()
    time.sleep(0.5)
    check("the copy button copies (says Copied)", copy.text == "Copied", copy.text)
    shot("key-created")
    driver.refresh()
    check("after a reload the key is gone from the page", full_key not in driver.page_source and "shown once" in text(), driver.current_url)
    driver.get(BASE + "/dashboard/keys")
    check("the key list never holds the key", full_key not in driver.page_source and "browser test key" in text())
    shot("keys")
    status, body = api("/v2/datapoints/count", full_key)
    check("the API accepts the copied key", status == 200, f"{status} {body}")
    driver.get(driver.find_element(By.LINK_TEXT, "browser test key").get_attribute("href"))
    shot("key-detail")
    driver.find_element(By.NAME, "confirm").click()
    submit(driver.find_element(By.CSS_SELECTOR, "form[action$='/revoke']").get_attribute("action").replace(BASE, ""))
    check("revoking says so", "revoked" in text())
    status, body = api("/v2/datapoints/count", full_key)
    check("the same call with the revoked key fails (401 key_revoked)", status == 401 and "key_revoked" in json.dumps(body), f"{status} {body}")
    driver.get(BASE + "/dashboard/audit")
    check("the audit log shows created and revoked", "created" in text() and "revoked" in text())
    shot("audit")

    # The key policy: a live key, the policy saved from its form, the list showing when the key is due for rotation.
    driver.get(BASE + "/dashboard/keys")
    fill("name", "policy key")
    submit("/dashboard/keys")
    policy_key = driver.find_element(By.ID, "full-key").get_attribute("value")
    driver.get(BASE + "/dashboard/keys")
    fill("maxAge", "90")
    fill("warnings", "14, 7, 1")
    fill("stale", "30")
    driver.find_element(By.NAME, "disableStale").click()
    submit("/dashboard/keys/policy")
    check("the key policy form saves and says so", "The key policy is saved" in text(), text()[:300])
    check("the key list shows each key's age and when its rotation is due", "0 days" in text() and "in 90 days" in text())
    check("the form shows the saved policy", driver.find_element(By.ID, "maxAge").get_attribute("value") == "90"
          and driver.find_element(By.NAME, "disableStale").is_selected())
    shot("key-policy")

    # An event webhook: added from its page, its signing secret shown once (and sealed at rest: the scan below).
    driver.get(BASE + "/dashboard/webhooks")
    fill("hook-url", "https://hooks.example.com/clicktally")
    driver.find_element(By.CSS_SELECTOR, "input[name='event'][value='link.clicked']").click()
    submit("/dashboard/webhooks")
    webhook_secret = driver.find_element(By.ID, "secret").get_attribute("value")
    check("a new webhook's signing secret is shown once", webhook_secret.startswith("whsec_") and "will not be shown" in text())
    shot("webhook-added")
    driver.refresh()
    check("after a reload the secret is gone and the webhook listed",
          webhook_secret not in driver.page_source and "hooks.example.com/clicktally" in text(), driver.current_url)

    # Links: create, open the tracking URL, see count, chart and live stream change; QR decodes to the URL.
    driver.get(BASE + "/dashboard/links/new")
    fill("name", "browser-link")
    fill("destination", BASE.replace("127.0.0.1", "localhost") + "/health")
    fill("tags", "launch, e2e")
    shot("link-new")
    submit("/dashboard/links")
    link_page = driver.current_url
    check("the link is created and its page opens", re.search(r"/dashboard/links/\d+$", link_page) is not None, link_page)
    tracking = driver.find_element(By.ID, "tracking-url").get_attribute("value")
    total_before = driver.find_element(By.ID, "total-hits").text
    chart_before = driver.find_element(By.CSS_SELECTOR, "svg.chart").get_attribute("outerHTML")
    check("a new link shows 0 hits", total_before == "0", total_before)
    for _ in range(40):  # the live stream connects
        if "Live:" in driver.find_element(By.ID, "live-status").text:
            break
        time.sleep(0.25)
    check("the live clickstream connects (Server-Sent Events)", "Live:" in driver.find_element(By.ID, "live-status").text,
          driver.find_element(By.ID, "live-status").text)
    session_cookie = driver.get_cookie("ct_session")["value"]
    request = urllib.request.Request(link_page + "/qr.svg", headers={"Cookie": f"ct_session={session_cookie}"})
    with urllib.request.urlopen(request) as response:
        check("the link's QR code decodes (zbar) to its tracking URL", decode_qr(response.read().decode()) == tracking)
    main_window = driver.current_window_handle
    driver.switch_to.new_window("tab")
    driver.get(tracking)
    check("the tracking URL redirects to the destination", "/health" in driver.current_url, driver.current_url)
    driver.close()
    driver.switch_to.window(main_window)
    live = 0
    for _ in range(40):
        live = int(driver.find_element(By.ID, "live-count").text)
        if live >= 1:
            break
        time.sleep(0.25)
    check("the live clickstream shows the new hit without a reload", live == 1, str(live))
    shot("link-live")
    total_after = "0"
    for _ in range(20):
        driver.get(link_page)
        total_after = driver.find_element(By.ID, "total-hits").text
        if total_after != "0":
            break
        time.sleep(0.5)
    chart_after = driver.find_element(By.CSS_SELECTOR, "svg.chart").get_attribute("outerHTML")
    check("the count goes from 0 to 1", total_after == "1", total_after)
    check("the chart changes", chart_after != chart_before)
    shot("link")
    driver.get(link_page + "?by=hour")
    shot("link-hourly")
    driver.get(BASE + "/dashboard/links?q=browser")
    check("the link list finds it by search, with its tags", "browser-link" in text() and "launch" in text())
    shot("links")
    driver.get(BASE + "/dashboard")
    check("the overview lists the link among the top links", "browser-link" in text())
    shot("overview")
    driver.get(BASE + "/dashboard/groups")
    fill("name", "Spring launch")
    submit("/dashboard/groups")
    shot("groups")
    driver.get(BASE + "/dashboard/conversions")
    fill("name", "Purchase")
    fill("value", "25")
    submit("/dashboard/conversions")
    check("a conversion goal shows its pixel URL and snippet", "/cv/" in driver.page_source and "ClickTally_conversion_value" in driver.page_source)
    shot("conversions")
    driver.get(BASE + "/dashboard/settings")
    fill("timezone", "Europe/Rome")
    submit("/dashboard/settings/timezone")
    check("the time zone is saved", driver.find_element(By.ID, "timezone").get_attribute("value") == "Europe/Rome")
    shot("settings")
    logs = [entry for entry in driver.get_log("browser") if "Content Security Policy" in entry.get("message", "")]
    check("no Content-Security-Policy violations in the console", not logs, str(logs[:2]))

    # Origin isolation: signed in, open a link whose retargeting script attacks the dashboard. The script runs (a
    # feature), the redirect happens, and neither the read nor the form post reaches the dashboard.
    driver.get(BASE + "/dashboard/keys")
    fill("name", "attack setup")
    driver.find_element(By.CSS_SELECTOR, "input[name=preset][value=admin]").click()
    submit("/dashboard/keys")
    setup_key = driver.find_element(By.ID, "full-key").get_attribute("value")
    beacons = Beacons()
    status, script = api_post("/v2/retargeting", setup_key, {"name": "attack", "script": ATTACK_SCRIPT.replace("BEACON", json.dumps(beacons.url))})
    check("a retargeting script is saved", status == 200, f"{status} {script}")
    destination = BASE.replace("127.0.0.1", "localhost") + "/health"
    for name, extra in (("attack", {}), ("attack-framed", {"hideUrl": True})):
        status, body = api_post("/v2/datapoints", setup_key,
                                {"type": 0, "name": name, "typeTL": dict({"url": destination, "scripts": [{"id": script["id"]}]}, **extra)})
        check(f"a link with the script is created ({name})", status == 200, f"{status} {body}")
    driver.get(BASE + "/attack")
    for _ in range(40):
        if "/health" in driver.current_url and "ran" in beacons.seen and len(beacons.seen) >= 3:
            break
        time.sleep(0.25)
    time.sleep(0.5)
    check("the tenant's script still runs on the intermediate page", "ran" in beacons.seen, str(beacons.seen))
    check("the redirect still happens", "/health" in driver.current_url, driver.current_url)
    check("the script cannot read the dashboard", "read-dashboard" not in beacons.seen and "fetch-refused" in beacons.seen, str(beacons.seen))
    check("the script cannot read the session cookie", "cookie-read" not in beacons.seen, str(beacons.seen))
    before = len(beacons.seen)
    driver.get(BASE + "/attack-framed")
    for _ in range(40):
        if beacons.seen[before:].count("ran") >= 1 and len(beacons.seen) >= before + 3:
            break
        time.sleep(0.25)
    framed = beacons.seen[before:]
    check("on the frame page the script runs in its sandboxed frame, unable to read the dashboard",
          "ran" in framed and "read-dashboard" not in framed and "cookie-read" not in framed, str(framed))
    driver.get(BASE + "/dashboard/keys")
    check("the script's form post created no key", "stolen" not in text() and "attack setup" in text())
finally:
    driver.quit()
    # For scripts/secret-scan: what must appear in no log line and no table.
    with open(os.environ.get("CLICKTALLY_SECRETS_FILE", os.devnull), "w") as handle:
        for name in ("password", "secret", "full_key", "setup_key", "policy_key", "webhook_secret"):
            value = globals().get(name)
            if isinstance(value, str) and value:
                handle.write(value + "\n")

failed = results.count(False)
print(f"browser: {len(results) - failed} passed, {failed} failed; screenshots in {OUT}")
sys.exit(1 if failed else 0)
