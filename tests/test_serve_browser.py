"""The web page in headless Chromium (Debian's ``chromium`` + ``chromium-driver``), against a real uvicorn
server on a tiny random model: each tab driven by clicks and typing — generate (examples, seed dice,
progress, gallery, download), describe, ask, chat, edit (mask brush, undo, clear, before/after) — errors
beside the action that failed, cancelling, and a 400 px wide window. A screenshot of every tab goes to
``$UNIF2ACE_SCREENSHOTS`` (default: a temporary folder)."""

import json
import os
import re
import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from live_server import running_server

pytest.importorskip("fastapi")
pytest.importorskip("multipart")
httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
skimage_data = pytest.importorskip("skimage.data")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip("headless browser test needs Debian's chromium and chromium-driver (make browser, or apt-get install "
                "chromium chromium-driver)", allow_module_level=True)

from PIL import Image  # noqa: E402
from selenium.webdriver.common.action_chains import ActionChains  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import Limits, create_app  # noqa: E402

STEPS = 6  # the tiny model's default sampling steps here


@pytest.fixture(scope="module")
def slow():
    """Seconds each model pass sleeps: lets the test see queue and step progress on a tiny, fast model."""
    return {"seconds": 0.0}


@pytest.fixture(scope="module")
def server(tmp_path_factory, slow):
    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=STEPS))
    hook = pipe.model.register_forward_pre_hook(lambda module, args: time.sleep(slow["seconds"]))
    app = create_app(pipe, Limits(max_new_tokens=24), max_wait_ms=5)
    with running_server(app) as port:
        yield f"http://127.0.0.1:{port}"
    hook.remove()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1280,800",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(1280, 800)
    yield driver
    driver.quit()


@pytest.fixture(autouse=True)
def no_script_errors(browser):
    """After each test: the page's JavaScript logged no error (answers with an error status, which the
    page shows beside their action, are logged by Chromium as failed loads and are expected)."""
    browser.get_log("browser")  # drop what earlier tests left
    yield
    errors = [e["message"] for e in browser.get_log("browser")
              if e["level"] == "SEVERE" and "Failed to load resource" not in e["message"]]
    assert errors == []


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("UNIF2ACE_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("photos")
    astronaut, blank = folder / "astronaut.png", folder / "blank.png"
    Image.fromarray(skimage_data.astronaut()).save(astronaut)
    Image.new("RGB", (100, 100), "white").save(blank)
    blown = folder / "blown.png"  # the astronaut at 2.2× brightness: 86% of the face pure white
    Image.fromarray(np.clip(skimage_data.astronaut() * 2.2, 0, 255).astype(np.uint8)).save(blown)
    return {"face": str(astronaut), "blank": str(blank), "blown": str(blown)}


def load(browser, server: str, tab: str):
    """A fresh page on ``tab`` (a plain get of the same page with another #tab would keep its state)."""
    browser.get("about:blank")
    browser.get(f"{server}/#{tab}")
    WebDriverWait(browser, 10).until(lambda d: "on cpu" in el(d, "model").text)  # its settings are loaded


def el(browser, element_id: str):
    return browser.find_element(By.ID, element_id)


def wait_state(browser, element_id: str, want: str = "done", timeout: float = 30):
    def state(driver):
        s = driver.find_element(By.ID, element_id).get_attribute("data-state")
        return s if s in ("done", "error", "cancelled") else False

    got = WebDriverWait(browser, timeout).until(state)
    errors = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".error") if e.text]
    assert got == want, f"{element_id} ended {got}, expected {want}; errors: {errors}"


def open_tab(browser, name: str):
    el(browser, f"tab-{name}").click()
    assert el(browser, f"panel-{name}").is_displayed()
    assert el(browser, f"tab-{name}").get_attribute("aria-selected") == "true"


def beside(browser, error_id: str, button_id: str):
    """The error is shown in the button's own panel, just below it (not at the top of the page)."""
    error, button = el(browser, error_id), el(browser, button_id)
    assert error.is_displayed() and error.text
    assert 0 <= error.location["y"] - button.location["y"] < 150
    panel = browser.execute_script("return arguments[0].closest('[role=tabpanel]').id", button)
    assert browser.execute_script("return arguments[0].closest('[role=tabpanel]').id", error) == panel


def record_status(browser):
    """Keep every status text the page shows, to check progress afterwards (window.__statuses)."""
    browser.execute_script("""
        window.__statuses = [];
        new MutationObserver(() => document.querySelectorAll('.status-text').forEach(
            (s) => s.textContent && window.__statuses.push(s.textContent))).observe(
            document.body, {subtree: true, childList: true, characterData: true});""")


def painted(browser) -> int:
    return browser.execute_script("""
        const c = document.getElementById('mask-canvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 3; i < d.length; i += 4) n += d[i] > 0; return n;""")


def brush_stroke(browser, dx: int = 60, x: int = 0, y: int = 0):
    """A stroke dx pixels long starting (x, y) pixels left of / above the canvas's centre."""
    canvas = el(browser, "mask-canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, x - dx // 2, y).click_and_hold() \
        .move_by_offset(dx // 2, 10).move_by_offset(dx // 2, -10).release().perform()


def test_page_loads_offline_with_the_models_defaults(server, browser):
    browser.get(server + "/")
    assert browser.title == "UniF²ace"
    WebDriverWait(browser, 10).until(lambda d: "on cpu" in el(d, "model").text)
    assert el(browser, "steps").get_attribute("value") == str(STEPS)
    assert el(browser, "steps-out").text == str(STEPS)
    # everything the page loads comes from this server
    urls = browser.execute_script("return performance.getEntriesByType('resource').map((r) => r.name)")
    assert urls and all(u.startswith(server) for u in urls), urls
    # every form control has a label
    unlabeled = browser.execute_script("""
        return [...document.querySelectorAll('input, textarea')].filter((e) => e.type !== 'hidden'
            && !e.labels.length && !e.getAttribute('aria-label')).map((e) => e.id)""")
    assert unlabeled == []
    # the tabs answer the keyboard
    el(browser, "tab-generate").send_keys(Keys.ARROW_RIGHT)
    assert el(browser, "panel-describe").is_displayed()
    assert browser.switch_to.active_element.get_attribute("id") == "tab-describe"
    el(browser, "tab-describe").send_keys(Keys.ARROW_LEFT)
    assert el(browser, "panel-generate").is_displayed()


def test_generate_tab(server, browser, slow, shots):
    load(browser, server, "generate")
    el(browser, "generate").click()  # no prompt yet: the error shows beside the button
    beside(browser, "generate-error", "generate")
    assert "prompt" in el(browser, "generate-error").text
    examples = browser.find_elements(By.CSS_SELECTOR, "#examples button")
    assert len(examples) >= 6
    examples[1].click()
    prompt = el(browser, "prompt").get_attribute("value")
    assert prompt.startswith("A close-up photo of")
    count = el(browser, "count")
    count.clear()
    count.send_keys("3")
    el(browser, "dice").click()
    seed = el(browser, "seed").get_attribute("value")
    assert seed.isdigit()
    record_status(browser)
    slow["seconds"] = 0.05
    try:
        el(browser, "generate").click()
        wait_state(browser, "gallery")
    finally:
        slow["seconds"] = 0.0
    assert el(browser, "generate-error").text == ""
    faces = browser.find_elements(By.CSS_SELECTOR, "#gallery .run:first-child .face img")
    assert len(faces) == 3
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", im) == 64
               for im in faces)
    assert all(prompt in im.get_attribute("alt") for im in faces)
    head = el(browser, "gallery").find_element(By.CSS_SELECTOR, ".run-head").text
    assert f"seed {seed}" in head and f"steps {STEPS}" in head
    links = browser.find_elements(By.CSS_SELECTOR, "#gallery .run:first-child a[download]")
    assert len(links) == 3 and all(a.get_attribute("href").startswith("data:image/png;base64,") for a in links)
    assert links[0].get_attribute("download") == f"unif2ace-{seed}-1.png"
    # "Reuse seed" puts the run's prompt, seed, count and settings back
    el(browser, "prompt").clear()
    el(browser, "seed").clear()
    browser.execute_script("const s = document.getElementById('steps'); s.value = 2; s.dispatchEvent(new Event('input'))")
    assert el(browser, "steps-out").text == "2"
    browser.find_element(By.CSS_SELECTOR, "#gallery .run:first-child .face button[aria-label^='Reuse']").click()
    assert el(browser, "prompt").get_attribute("value") == prompt and el(browser, "seed").get_attribute("value") == seed
    assert el(browser, "steps-out").text == str(STEPS) and el(browser, "count").get_attribute("value") == "3"
    statuses = browser.execute_script("return window.__statuses")
    assert any(re.fullmatch(rf"Step [1-9] of {STEPS}", s) for s in statuses), statuses
    assert not el(browser, "generate-status").is_displayed()  # the progress line goes away
    browser.save_screenshot(str(shots / "generate.png"))


def test_queue_position_and_cancelling_a_queued_request(server, browser, slow):
    """Another client's request runs; the page's waits in line ("Next in line…"); Cancel drops it
    before it starts, so the server runs one batch only."""
    load(browser, server, "generate")
    el(browser, "prompt").send_keys("A close-up photo of a smiling young woman.")
    before = httpx.get(server + "/health").json()["batches_run"]
    slow["seconds"] = 0.15  # the other request: 1 + STEPS passes, about a second
    other = threading.Thread(target=lambda: httpx.post(server + "/v1/generate", timeout=60, json={
        "prompt": "A close-up photo of an elderly man.", "seed": 1}))
    try:
        other.start()
        # the other request is running (a batch counts as run when it starts)
        WebDriverWait(browser, 10).until(lambda d: httpx.get(server + "/health").json()["batches_run"] > before)
        el(browser, "generate").click()
        WebDriverWait(browser, 10).until(lambda d: el(d, "generate-status-text").text == "Next in line…")
        el(browser, "generate-cancel").click()
        wait_state(browser, "gallery", "cancelled")
        other.join(60)
    finally:
        slow["seconds"] = 0.0
    assert el(browser, "generate-error").text == "Cancelled."
    assert el(browser, "generate").is_enabled() and not el(browser, "generate-status").is_displayed()
    time.sleep(0.3)
    health = httpx.get(server + "/health").json()
    assert health["batches_run"] == before + 1 and health["queued"] == 0  # the page's request never ran


def test_describe_tab_and_its_errors(server, browser, photos, shots):
    load(browser, server, "describe")
    el(browser, "caption-btn").click()  # no photo yet
    beside(browser, "caption-error", "caption-btn")
    el(browser, "photo").send_keys(photos["blank"])
    el(browser, "caption-btn").click()
    wait_state(browser, "caption", "error")
    beside(browser, "caption-error", "caption-btn")
    message = el(browser, "caption-error").text
    assert message.startswith("No face found in this photo: try a clearer, front-facing photo"), message
    assert "--no-align" not in message and "align=False" not in message
    # a cropped face skips detection: the same white square now gets a (random model's) caption
    el(browser, "photo-cropped").click()
    el(browser, "caption-btn").click()
    wait_state(browser, "caption")
    assert el(browser, "caption-error").text == ""
    el(browser, "photo-cropped").click()
    el(browser, "photo").send_keys(photos["face"])
    assert el(browser, "preview").is_displayed()
    el(browser, "caption-btn").click()
    wait_state(browser, "caption")
    assert el(browser, "caption").text.strip()
    browser.save_screenshot(str(shots / "describe.png"))


def test_ask_tab(server, browser, photos, shots):
    load(browser, server, "describe")
    el(browser, "photo").send_keys(photos["face"])
    open_tab(browser, "ask")
    assert el(browser, "preview").is_displayed()  # the same photo, shared between the tabs
    browser.find_elements(By.CSS_SELECTOR, "#question-examples button")[2].click()
    assert el(browser, "question").get_attribute("value") == "Is the person smiling?"
    el(browser, "ask-btn").click()
    wait_state(browser, "answer")
    assert el(browser, "answer").text.strip()
    browser.save_screenshot(str(shots / "ask.png"))
    assert not el(browser, "answer-note").is_displayed()
    # a face mostly blown out: the answer comes with the server's words about the photo, beside it
    el(browser, "photo").send_keys(photos["blown"])
    el(browser, "ask-btn").click()
    wait_state(browser, "answer")
    assert el(browser, "answer-note").is_displayed() and "over-exposed" in el(browser, "answer-note").text
    browser.save_screenshot(str(shots / "ask-blown.png"))
    el(browser, "photo").send_keys(photos["face"])
    el(browser, "ask-btn").click()
    wait_state(browser, "answer")
    assert not el(browser, "answer-note").is_displayed()


def test_chat_tab(server, browser, photos, shots):
    load(browser, server, "chat")
    el(browser, "chat-input").send_keys("How old is this person?" + Keys.ENTER)  # no photo yet
    beside(browser, "chat-error", "chat-send")
    assert el(browser, "chat-input").get_attribute("value") == "How old is this person?"
    el(browser, "photo").send_keys(photos["face"])
    browser.execute_script("""  // keep the conversations the page sends to /v1/chat
        window.__chats = []; const send = window.fetch;
        window.fetch = (url, options) => { if (url === '/v1/chat') window.__chats.push(JSON.parse(options.body).messages);
                                           return send(url, options); };""")
    el(browser, "chat-input").send_keys(Keys.ENTER)
    wait_state(browser, "chat-log")
    el(browser, "chat-input").send_keys("Is the person smiling?" + Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log li")) == 4)
    wait_state(browser, "chat-log")
    items = browser.find_elements(By.CSS_SELECTOR, "#chat-log li")
    assert [li.get_attribute("class") for li in items] == ["user", "assistant"] * 2
    assert items[0].text.endswith("How old is this person?") and items[2].text.endswith("Is the person smiling?")
    assert all(li.text.strip() for li in items)
    # the server's /v1/chat gets the whole conversation, so a follow-up has its context
    chats = browser.execute_script("return window.__chats")
    assert [[m["role"] for m in c] for c in chats] == [["user"], ["user", "assistant", "user"]]
    assert items[1].get_attribute("textContent") == "Model: " + chats[1][1]["content"]
    assert el(browser, "chat-mode").text == ""
    browser.save_screenshot(str(shots / "chat.png"))
    el(browser, "chat-reset").click()
    assert browser.find_elements(By.CSS_SELECTOR, "#chat-log li") == []
    # replies in JSON: the page asks /v1/chat for them (response_format) and shows the JSON as it came
    browser.execute_script("""window.__bodies = []; const send2 = window.fetch;
        window.fetch = (url, options) => { if (url === '/v1/chat') window.__bodies.push(JSON.parse(options.body));
                                           return send2(url, options); };""")
    el(browser, "chat-json").click()
    el(browser, "chat-input").send_keys("How old is this person?" + Keys.ENTER)
    WebDriverWait(browser, 30).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#chat-log li")) == 2)
    wait_state(browser, "chat-log")
    bodies = browser.execute_script("return window.__bodies")
    assert [b.get("response_format") for b in bodies] == [{"type": "json_object"}]
    reply = browser.find_elements(By.CSS_SELECTOR, "#chat-log li")[1]
    assert reply.get_attribute("class") == "assistant json"
    assert isinstance(json.loads(reply.get_attribute("textContent").removeprefix("Model: ")), dict)
    browser.save_screenshot(str(shots / "chat-json.png"))
    el(browser, "chat-json").click()
    el(browser, "chat-reset").click()


def test_edit_tab(server, browser, photos, shots):
    load(browser, server, "edit")
    el(browser, "edit-photo").send_keys(photos["face"])
    WebDriverWait(browser, 10).until(lambda d: el(d, "canvas-wrap").is_displayed())
    assert browser.execute_script("return [arguments[0].width, arguments[0].height]", el(browser, "mask-canvas")) \
        == [512, 512]  # the mask is drawn at the photo's size
    el(browser, "edit-prompt").send_keys("A close-up photo of a smiling woman.")
    el(browser, "edit-btn").click()  # nothing painted yet
    beside(browser, "edit-error", "edit-btn")
    brush_stroke(browser, 40, -30, -90)  # over the astronaut's face (the canvas shows 400 of 512 px)
    first = painted(browser)
    assert first > 0
    brush_stroke(browser, 120, 0, 100)
    assert painted(browser) > first
    el(browser, "mask-undo").click()
    assert painted(browser) == first
    el(browser, "mask-clear").click()
    assert painted(browser) == 0
    el(browser, "mask-undo").click()
    assert painted(browser) == first
    el(browser, "edit-seed").send_keys("7")
    el(browser, "edit-btn").click()
    wait_state(browser, "edit-result")
    assert el(browser, "edit-result").is_displayed()
    after = el(browser, "edit-after")
    assert browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", after) > 0
    assert el(browser, "edit-download").get_attribute("href").startswith("data:image/png;base64,")
    assert el(browser, "edit-before").get_attribute("src").startswith("blob:")
    browser.save_screenshot(str(shots / "edit.png"))
    # the result goes back under the brush, with an empty mask, for a further edit
    size = browser.execute_script("return [arguments[0].naturalWidth, arguments[0].naturalHeight]", after)
    el(browser, "edit-again").click()
    WebDriverWait(browser, 10).until(lambda d: not el(d, "edit-result").is_displayed())
    assert browser.execute_script("return [arguments[0].width, arguments[0].height]", el(browser, "mask-canvas")) \
        == size
    assert painted(browser) == 0 and el(browser, "edit-base").get_attribute("src").startswith("blob:")
    # the photo returned is the whole photo: a stroke from the face down to the chest reaches past the face
    # the model edits, and the server's warning shows under the result
    assert size == [512, 512]
    brush_stroke(browser, 40, -30, -90)
    brush_stroke(browser, 120, 0, 100)
    el(browser, "edit-btn").click()
    wait_state(browser, "edit-result")
    assert "outside" in el(browser, "edit-note").text


def test_send_a_generated_face_to_edit_and_describe(server, browser):
    load(browser, server, "generate")
    # the advanced settings reach the server: best of 2, a schedule, a negative prompt
    browser.execute_script("const s = document.getElementById('candidates'); s.value = 2; s.dispatchEvent(new Event('input'))")
    Select(el(browser, "schedule")).select_by_value("linear")
    el(browser, "negative").send_keys("a blurry photo")
    el(browser, "count").clear()
    el(browser, "count").send_keys("1")
    el(browser, "prompt").send_keys("A close-up photo of an elderly man, aged 75." + Keys.ENTER)
    wait_state(browser, "gallery")
    head = el(browser, "gallery").find_element(By.CSS_SELECTOR, ".run-head").text
    assert "schedule linear" in head and "best of 2" in head and "away from a blurry photo" in head, head
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gallery .face img")) == 1
    browser.find_element(By.CSS_SELECTOR, "#gallery .face button[aria-label='Edit face 1']").click()
    WebDriverWait(browser, 10).until(lambda d: el(d, "canvas-wrap").is_displayed())
    assert el(browser, "edit-cropped").is_selected()  # a generated face is a crop already
    assert el(browser, "edit-prompt").get_attribute("value") == "A close-up photo of an elderly man, aged 75."
    brush_stroke(browser, 80)
    el(browser, "edit-btn").click()
    wait_state(browser, "edit-result")
    open_tab(browser, "generate")
    browser.find_element(By.CSS_SELECTOR, "#gallery .face button[aria-label='Describe face 1']").click()
    # the click handler awaits the image's blob before it switches tabs: wait for it, as for Edit above
    WebDriverWait(browser, 10).until(lambda d: el(d, "panel-describe").is_displayed())
    assert el(browser, "photo-cropped").is_selected()
    el(browser, "caption-btn").click()
    wait_state(browser, "caption")
    # every image shown has a text alternative
    missing = browser.execute_script("""return [...document.images].filter((i) => i.offsetParent !== null
        && !i.alt.trim()).map((i) => i.id || i.src.slice(0, 40))""")
    assert missing == [] and browser.execute_script("return document.images.length") >= 4


def test_training_words_say_what_was_drawn(server, browser):
    """The training-words box starts at the model's default (off for the tiny model); ticked, a prompt in other
    words is drawn from its training-word version, and the gallery and the edit result say so."""
    load(browser, server, "generate")
    box = el(browser, "training-words")
    assert box.is_displayed() and not box.is_selected()
    box.click()
    el(browser, "count").clear()
    el(browser, "count").send_keys("1")
    el(browser, "prompt").send_keys("grandma crying" + Keys.ENTER)
    wait_state(browser, "gallery")
    drawn = el(browser, "gallery").find_elements(By.CSS_SELECTOR, ".run:first-child .run-head q.drawn")
    assert [q.text for q in drawn] == ["old woman, sad"]
    browser.find_element(By.CSS_SELECTOR, "#gallery .run:first-child .face button[aria-label='Edit face 1']").click()
    WebDriverWait(browser, 10).until(lambda d: el(d, "canvas-wrap").is_displayed())
    brush_stroke(browser, 80)
    el(browser, "edit-btn").click()
    wait_state(browser, "edit-result")
    assert "The painted part was drawn as" in el(browser, "edit-note").text
    assert el(browser, "edit-note").find_element(By.CSS_SELECTOR, "q.drawn").text == "old woman, sad"
    # unticked, the prompt is drawn as typed and nothing more is said
    open_tab(browser, "generate")
    el(browser, "training-words").click()
    el(browser, "prompt").clear()
    el(browser, "prompt").send_keys("grandma crying" + Keys.ENTER)
    wait_state(browser, "gallery")
    assert not el(browser, "gallery").find_elements(By.CSS_SELECTOR, ".run:first-child .run-head q.drawn")
    assert not el(browser, "gallery").find_element(By.CSS_SELECTOR, ".run:first-child .run-warning").is_displayed()
    # a prompt in another language is drawn, and the run says the model reads English only
    el(browser, "prompt").clear()
    el(browser, "prompt").send_keys("una mujer sonriente" + Keys.ENTER)
    wait_state(browser, "gallery")
    warning = el(browser, "gallery").find_element(By.CSS_SELECTOR, ".run:first-child .run-warning")
    assert warning.is_displayed() and "does not read as English" in warning.text


def test_a_narrow_window(server, browser, shots):
    browser.set_window_size(400, 800)
    try:
        load(browser, server, "generate")
        el(browser, "seed").send_keys("9007199254740993")  # 2^53 + 1: no JavaScript number, kept exact
        el(browser, "prompt").send_keys("A close-up photo of a smiling young woman." + Keys.ENTER)
        wait_state(browser, "gallery")
        assert "seed 9007199254740993 " in el(browser, "gallery").find_element(By.CSS_SELECTOR, ".run-head").text
        width = browser.execute_script("return window.innerWidth")
        assert width <= 400  # (a --window-size below 500 px is raised to 500; set_window_size is not)
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
        browser.save_screenshot(str(shots / "generate-narrow.png"))
        open_tab(browser, "edit")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width
    finally:
        browser.set_window_size(1280, 800)
