"""The web page in headless Chromium (Debian's ``chromium`` + ``chromium-driver``): type a prompt and
get faces; upload a photo and read its caption; ask a question."""

import shutil
import socket
import threading
import time

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("multipart")
uvicorn = pytest.importorskip("uvicorn")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install selenium)")
skimage_data = pytest.importorskip("skimage.data")

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not CHROMIUM or not CHROMEDRIVER:
    pytest.skip("headless browser test needs Debian's chromium and chromium-driver (apt-get install chromium "
                "chromium-driver)", allow_module_level=True)

from PIL import Image  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

from unif2ace.pipeline import UniF2ace, write_random_model  # noqa: E402
from unif2ace.serve import create_app  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    pipe = UniF2ace.from_pretrained(write_random_model(tmp_path_factory.mktemp("model") / "tiny", steps=3))
    port = free_port()
    config = uvicorn.Config(create_app(pipe), host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not srv.started and time.time() < deadline:
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    profile = tmp_path_factory.mktemp("chromium-profile")
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                 f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait_done(browser, element_id: str, timeout: float = 60):
    def state(driver):
        s = driver.find_element(By.ID, element_id).get_attribute("data-state")
        return s if s in ("done", "error") else False

    result = WebDriverWait(browser, timeout).until(state)
    assert result == "done", browser.find_element(By.ID, "error").text


def test_type_a_prompt_and_see_faces(server, browser):
    browser.get(server + "/")
    browser.find_element(By.ID, "prompt").send_keys("a smiling woman with short curly red hair")
    browser.find_element(By.ID, "generate").click()
    wait_done(browser, "gallery")
    images = browser.find_elements(By.CSS_SELECTOR, "#gallery img")
    assert len(images) == 4
    assert all(browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", im) == 64
               for im in images)


def test_upload_a_photo_read_its_caption_and_ask(server, browser, tmp_path):
    photo = tmp_path / "astronaut.png"
    Image.fromarray(skimage_data.astronaut()).save(photo)
    browser.get(server + "/")
    browser.find_element(By.ID, "photo").send_keys(str(photo))
    browser.find_element(By.ID, "caption-btn").click()
    wait_done(browser, "caption")
    assert browser.find_element(By.ID, "caption").text.strip()
    browser.find_element(By.ID, "question").send_keys("Is she smiling?")
    browser.find_element(By.ID, "ask-btn").click()
    wait_done(browser, "answer")
    assert browser.find_element(By.ID, "answer").text.strip()


def test_errors_show_on_the_page(server, browser, tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 100), "white").save(blank)
    browser.get(server + "/")
    browser.find_element(By.ID, "photo").send_keys(str(blank))
    browser.find_element(By.ID, "caption-btn").click()
    WebDriverWait(browser, 60).until(lambda d: d.find_element(By.ID, "caption").get_attribute("data-state") == "error")
    assert "no face found" in browser.find_element(By.ID, "error").text
