// UniF²ace's web page. Plain JavaScript, no build step, nothing fetched from anywhere but this server.
"use strict";

const $ = (id) => document.getElementById(id);
const TABS = ["generate", "describe", "ask", "chat", "edit"];
// Prompts in the wording of the training captions, about what the model learnt to draw: [chip, prompt].
const EXAMPLE_PROMPTS = [
  ["smiling young woman", "A close-up photo of a smiling young woman."],
  ["girl of 5", "A close-up photo of a little girl who is 5 years old."],
  ["man of 75", "A close-up photo of an elderly man, aged 75."],
  ["smiling middle-aged woman", "A close-up photo of a smiling middle-aged woman."],
  ["black-and-white, elderly woman", "A black-and-white close-up photo of an elderly woman."],
  ["smiling boy of 10", "A close-up photo of a smiling boy who is 10 years old."],
  ["young man of 25", "A close-up photo of a young man, aged 25."],
  ["senior woman with glasses", "A close-up photo of a smiling senior woman with glasses."],
];
// Questions in the wordings the model was trained on (other wordings are answered less reliably).
const EXAMPLE_QUESTIONS = [
  ["How old?", "How old is this person?"],
  ["Man or woman?", "Is this a man or a woman?"],
  ["Smiling?", "Is the person smiling?"],
  ["Expression?", "What expression does the face show?"],
  ["Age group?", "Which age group does this person belong to: child, teen, young adult, middle-aged or senior?"],
  ["Mouth open?", "Is the mouth open or closed?"],
];
const SLIDERS = {  // slider id → /v1/generate field
  steps: "steps", guidance: "guidance_scale", gender: "gender_contrast", age: "age_contrast",
  temperature: "temperature", candidates: "candidates",
};

let CONFIG = null;  // GET /v1/config: the model's defaults and the server's limits

// ------------------------------------------------------------------ tabs
function showTab(name, focus = false) {
  if (!TABS.includes(name)) name = "generate";
  for (const tab of TABS) {
    const on = tab === name;
    const button = $(`tab-${tab}`);
    button.setAttribute("aria-selected", String(on));
    button.tabIndex = on ? 0 : -1;
    $(`panel-${tab}`).hidden = !on;
  }
  if (["describe", "ask", "chat"].includes(name)) {  // the one photo these three tabs talk about
    const card = $("photo-card");
    $(`panel-${name}`).querySelector(".photo-slot").appendChild(card);
    card.classList.add("placed");
  }
  if (focus) $(`tab-${name}`).focus();
  if (location.hash !== `#${name}`) history.replaceState(null, "", `#${name}`);
}
for (const tab of TABS) $(`tab-${tab}`).addEventListener("click", () => showTab(tab));
document.querySelector("nav.tabs").addEventListener("keydown", (e) => {
  const i = TABS.findIndex((t) => $(`tab-${t}`).getAttribute("aria-selected") === "true");
  const moves = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: TABS.length - 1 };
  if (!(e.key in moves)) return;
  e.preventDefault();
  showTab(TABS[(moves[e.key] + TABS.length) % TABS.length], true);
});
window.addEventListener("hashchange", () => showTab(location.hash.slice(1)));

// ------------------------------------------------------------------ requests, progress, errors
function friendly(message, status) {
  const text = String(message || "");
  if (/no face found/i.test(text)) {
    return "No face found in this photo: try a clearer, front-facing photo, or tick “it's already a cropped face” " +
      "if the photo is a face crop already.";
  }
  if (/mask is empty/i.test(text)) {
    return "The painted part misses the face the model edits: paint over the face itself.";
  }
  if (status === 413) return `The photo is too large: ${text}`;
  if (status === 415) return `This file is not a photo the server can read (PNG, JPEG or WebP): ${text}`;
  return text.replace(/\s*\((?:use|pass)[^)]*(?:--no-align|align=False)[^)]*\)/gi, "")
    .replace(/[;:,]?\s*(?:use|pass)\s+(?:--no-align|align=False)[^.;]*/gi, "") || `the server answered ${status}`;
}

async function call(url, options) {
  let res;
  try {
    res = await fetch(url, options);
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new Error("The server did not answer. Is it still running?");
  }
  let body;
  try {
    const text = await res.text();
    body = JSON.parse(text);
    // seeds go up to 2^63: JSON.parse would round them to a float, so keep the digits as text
    const seed = /"seed"\s*:\s*(\d+)/.exec(text);
    if (seed && body.seed !== undefined) body.seed = seed[1];
  } catch (e) { body = { error: `the server answered ${res.status}` }; }
  if (!res.ok) throw new Error(friendly(body.error, res.status));
  return body;
}

// A seed typed by the user, as the exact digits (it may be too large for a JavaScript number).
function seedDigits(input) {
  const text = input.value.trim();
  if (text === "") return null;
  if (!/^\d+$/.test(text) || BigInt(text) >= 2n ** 63n) {
    fail("The seed is a whole number from 0 to 2^63 - 1 (or empty for a random one).");
  }
  return text.replace(/^0+(?=\d)/, "");
}

function newJobId() {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return "page-" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Follows a request's progress (GET /v1/jobs/{id}/events) in its status line; returns a stop function.
function watch(jobId, status, steps) {
  const bar = status.querySelector("progress");
  const text = status.querySelector(".status-text");
  bar.removeAttribute("value");
  text.textContent = "Sending…";
  let events;
  try { events = new EventSource(`/v1/jobs/${jobId}/events`); } catch (e) { return () => {}; }
  events.onmessage = (m) => {
    const s = JSON.parse(m.data);
    if (s.state === "queued") {
      bar.removeAttribute("value");
      text.textContent = s.ahead === 0 ? "Next in line…" : `Waiting: ${s.ahead} request${s.ahead === 1 ? "" : "s"} ahead`;
    } else if (s.state === "running") {
      if (steps === 0) {
        text.textContent = `Drawing… (${s.passes} model passes)`;
      } else if (steps) {  // one model pass for the prompt, then one per step
        const step = Math.max(0, Math.min(steps, s.passes - 1));
        bar.max = steps; bar.value = step;
        text.textContent = step >= steps ? "Finishing…" : `Step ${step} of ${steps}`;
      } else {
        text.textContent = s.passes > 1 ? `Writing… (${s.passes - 1} tokens)` : "Reading the photo…";
      }
    } else if (s.state === "done") {
      text.textContent = "Finishing…";
    }
    if (["done", "error", "cancelled", "unknown"].includes(s.state)) events.close();
  };
  events.onerror = () => { events.close(); text.textContent = "Working…"; };
  return () => events.close();
}

// One action: its button, its status line (progress + cancel) and its error, side by side.
// work({signal, headers}) does the request and shows the result; target carries data-state for tests.
function action({ button, status, error, target, steps = () => null, clear = () => {} }) {
  let busy = false;
  return async function perform(work) {
    if (busy) return;
    busy = true;
    button.disabled = true;
    error.textContent = "";
    target.dataset.state = "busy";
    target.classList.add("stale");  // the previous result, greyed out until the new one is there
    const jobId = newJobId();
    const controller = new AbortController();
    const cancel = status.querySelector(".cancel");
    cancel.onclick = () => {
      controller.abort();
      fetch(`/v1/jobs/${jobId}`, { method: "DELETE" }).catch(() => {});
    };
    status.hidden = false;
    const stop = watch(jobId, status, steps());
    try {
      await work({ signal: controller.signal, headers: { "X-Job-Id": jobId } });
      target.dataset.state = "done";
    } catch (e) {
      const cancelled = e.name === "AbortError";
      error.textContent = cancelled ? "Cancelled." : e.message;
      target.dataset.state = cancelled ? "cancelled" : "error";
      clear();
    } finally {
      target.classList.remove("stale");
      stop();
      status.hidden = true;
      button.disabled = false;
      busy = false;
    }
  };
}

function fail(message) { throw new Error(message); }

function chips(container, examples, onPick) {
  for (const [label, text] of examples) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.title = text;
    b.setAttribute("aria-label", `Use: ${text}`);
    b.addEventListener("click", () => onPick(text));
    container.appendChild(b);
  }
}

function randomSeed() { return Math.floor(Math.random() * 2 ** 31); }

async function dataUrlToBlob(url) { return (await fetch(url)).blob(); }

function blobToDataUrl(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.onerror = () => reject(new Error("could not read the photo"));
    reader.readAsDataURL(blob);
  });
}

// ------------------------------------------------------------------ settings (sliders)
for (const id of [...Object.keys(SLIDERS), "brush"]) {
  const show = () => { $(`${id}-out`).textContent = $(id).value; };
  $(id).addEventListener("input", show);
  show();
}

function applyDefaults() {
  if (!CONFIG) return;
  $("schedule").value = CONFIG.defaults.guidance_schedule || "";
  $("negative").value = "";
  $("training-words-row").hidden = CONFIG.defaults.training_words === undefined;  // an older model folder
  $("training-words").checked = CONFIG.defaults.training_words === true;
  for (const [id, field] of Object.entries(SLIDERS)) {
    const value = CONFIG.defaults[field];
    const row = $(id).closest(".slider");
    row.hidden = value === undefined;  // a model without this option
    if (value === undefined) continue;
    if (Number(value) > Number($(id).max)) $(id).max = value;
    $(id).value = value;
    $(`${id}-out`).textContent = $(id).value;
  }
}
$("reset-settings").addEventListener("click", applyDefaults);

function samplingSettings() {
  // only once the model's defaults are known: otherwise the server's own defaults apply
  if (!CONFIG) return {};
  const out = {};
  for (const [id, field] of Object.entries(SLIDERS)) {
    if (!$(id).closest(".slider").hidden) {
      out[field] = ["steps", "candidates"].includes(id) ? parseInt($(id).value, 10) : parseFloat($(id).value);
    }
  }
  if ($("schedule").value) out.guidance_schedule = $("schedule").value;
  if ($("negative").value.trim()) out.negative_prompt = $("negative").value.trim();
  if (!$("training-words-row").hidden) out.training_words = $("training-words").checked;
  return out;
}

// image work reports sampling steps (0 when the count is unknown: the server's defaults apply)
function stepsFor() { return CONFIG ? parseInt($("steps").value, 10) : 0; }

// ------------------------------------------------------------------ generate
chips($("examples"), EXAMPLE_PROMPTS, (text) => { $("prompt").value = text; $("prompt").focus(); });
$("dice").addEventListener("click", () => { $("seed").value = randomSeed(); });

const generateAction = action({ button: $("generate"), status: $("generate-status"), error: $("generate-error"),
                                target: $("gallery"), steps: stepsFor });

$("generate").addEventListener("click", () => generateAction(async ({ signal, headers }) => {
  const prompt = $("prompt").value.trim();
  if (!prompt) fail("Type a prompt first, or click one of the examples.");
  const max = CONFIG ? CONFIG.limits.max_images : 8;
  const n = parseInt($("count").value, 10);
  if (!(n >= 1 && n <= max)) fail(`Images: choose 1 to ${max}.`);
  const req = { prompt, n, ...samplingSettings() };
  const seed = seedDigits($("seed"));
  let json = JSON.stringify(req);
  if (seed !== null) {  // the digits go into the JSON as they are (a JavaScript number would round them)
    req.seed = seed;
    json = json.slice(0, -1) + `,"seed":${seed}}`;
  }
  const body = await call("/v1/generate", {
    method: "POST", signal, headers: { ...headers, "Content-Type": "application/json" }, body: json });
  showRun(prompt, req, body);
}));
$("prompt").addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("generate").click(); }
});

function settingsText(req, seed) {
  const parts = [`seed ${seed}`];
  const names = { steps: "steps", guidance_scale: "guidance", guidance_schedule: "schedule",
                  gender_contrast: "gender contrast", age_contrast: "age contrast", temperature: "temperature",
                  candidates: "best of", negative_prompt: "away from" };
  for (const [field, name] of Object.entries(names)) if (req[field] !== undefined) parts.push(`${name} ${req[field]}`);
  return parts.join(" · ");
}

// "drawn as “…”" after a prompt the model drew from other words than typed (training words, colour)
function drawnAs(parent, prompt, drawn, lead = " drawn as ", tail = "") {
  if (typeof drawn !== "string" || drawn === prompt) return;
  const q = document.createElement("q");
  q.className = "drawn";
  q.textContent = drawn;
  parent.append(lead, q, tail);
}

function showRun(prompt, req, body) {
  $("gallery-empty").hidden = true;
  const run = document.createElement("div");
  run.className = "run";
  const head = document.createElement("p");
  head.className = "run-head";
  const q = document.createElement("q");
  q.textContent = prompt;
  head.append(q);
  drawnAs(head, prompt, (body.drawn_prompts || [])[0]);
  head.append(` — ${settingsText(req, body.seed)}`);
  if (req.n > 1) head.append(` · ${req.n} images from one seed (ask for ${req.n} again to get them back)`);
  // what the server says about the prompt in words (e.g. it is not in English, which the model was trained on)
  const notes = (body.warnings || []).filter((w) => typeof w === "string");
  const warning = document.createElement("p");
  warning.className = "run-warning";
  warning.setAttribute("role", "status");
  warning.textContent = notes.join(" ");
  warning.hidden = !notes.length;
  const faces = document.createElement("div");
  faces.className = "faces";
  body.images.forEach((src, i) => {
    const fig = document.createElement("figure");
    fig.className = "face";
    const img = document.createElement("img");
    img.src = src;
    img.alt = `Generated face ${i + 1} of ${body.images.length} for “${prompt}”`;
    const cap = document.createElement("figcaption");
    const download = document.createElement("a");
    download.className = "button";
    download.href = src;
    download.download = `unif2ace-${body.seed}-${i + 1}.png`;
    download.textContent = "Download";
    download.setAttribute("aria-label", `Download face ${i + 1}`);
    const edit = document.createElement("button");
    edit.type = "button";
    edit.textContent = "Edit";
    edit.setAttribute("aria-label", `Edit face ${i + 1}`);
    edit.addEventListener("click", async () => { await loadEdit(await dataUrlToBlob(src), true, prompt); showTab("edit"); });
    const describe = document.createElement("button");
    describe.type = "button";
    describe.textContent = "Describe";
    describe.setAttribute("aria-label", `Describe face ${i + 1}`);
    describe.addEventListener("click", async () => { setPhoto(await dataUrlToBlob(src), true); showTab("describe"); });
    const reuse = document.createElement("button");
    reuse.type = "button";
    reuse.textContent = "Reuse seed";
    reuse.setAttribute("aria-label", `Reuse the prompt, seed and settings of face ${i + 1}`);
    reuse.addEventListener("click", () => {  // everything that made this run, back in the controls
      $("seed").value = body.seed;
      $("count").value = req.n;
      $("prompt").value = prompt;
      for (const [id, field] of Object.entries(SLIDERS)) {
        if (req[field] !== undefined) { $(id).value = req[field]; $(`${id}-out`).textContent = $(id).value; }
      }
      if (req.guidance_schedule) $("schedule").value = req.guidance_schedule;
      $("negative").value = req.negative_prompt || "";
      if (req.training_words !== undefined) $("training-words").checked = req.training_words;
      $("prompt").focus();
    });
    cap.append(download, edit, describe, reuse);
    fig.append(img, cap);
    faces.appendChild(fig);
  });
  run.append(head, warning, faces);
  $("gallery").prepend(run);
  if (run.getBoundingClientRect().top > window.innerHeight) run.scrollIntoView({ behavior: "smooth" });  // narrow
  while ($("gallery").children.length > 12) $("gallery").lastElementChild.remove();  // keep the page light
}

// ------------------------------------------------------------------ the photo of describe / ask / chat
let photo = null;  // a Blob
function setPhoto(blob, cropped) {
  photo = blob;
  $("preview").src = URL.createObjectURL(blob);
  $("preview").alt = "the photo the questions are about";
  $("preview").hidden = false;
  if (cropped !== undefined) $("photo-cropped").checked = cropped;
  for (const id of ["caption", "answer", "caption-error", "ask-error", "chat-error"]) $(id).textContent = "";
  resetChat();
}
$("photo").addEventListener("change", () => {
  const file = $("photo").files[0];
  if (file) setPhoto(file, false);
});

// A photo dropped on an area (from the desktop or another page) counts as chosen there.
function dropTarget(area, use) {
  area.addEventListener("dragover", (e) => { e.preventDefault(); area.classList.add("drop"); });
  area.addEventListener("dragleave", () => area.classList.remove("drop"));
  area.addEventListener("drop", (e) => {
    e.preventDefault();
    area.classList.remove("drop");
    const file = [...e.dataTransfer.files].find((f) => f.type.startsWith("image/"));
    if (file) use(file);
  });
}
dropTarget($("photo-card"), (file) => setPhoto(file, false));

function photoForm() {
  if (!photo) fail("Choose a photo first.");
  const form = new FormData();
  form.append("images", photo, photo.name || "photo.png");
  form.append("align", $("photo-cropped").checked ? "false" : "true");
  return form;
}

// what the server says about the photo in words (e.g. the face is mostly blown out, so answers may be wrong)
function photoNote(el, body) {
  const notes = (body.warnings || []).filter((w) => typeof w === "string");
  el.textContent = notes.join(" ");
  el.hidden = !notes.length;
}

// ------------------------------------------------------------------ describe
const captionAction = action({ button: $("caption-btn"), status: $("caption-status"), error: $("caption-error"),
                               target: $("caption"), clear: () => { $("caption").textContent = ""; $("caption-note").hidden = true; } });
$("caption-btn").addEventListener("click", () => captionAction(async ({ signal, headers }) => {
  const form = photoForm();
  const body = await call("/v1/caption", { method: "POST", signal, headers, body: form });
  $("caption").textContent = body.captions[0] || "(the model wrote nothing)";
  photoNote($("caption-note"), body);
}));

// ------------------------------------------------------------------ ask
chips($("question-examples"), EXAMPLE_QUESTIONS, (text) => { $("question").value = text; $("question").focus(); });
const askAction = action({ button: $("ask-btn"), status: $("ask-status"), error: $("ask-error"), target: $("answer"),
                           clear: () => { $("answer").textContent = ""; $("answer-note").hidden = true; } });
$("ask-btn").addEventListener("click", () => askAction(async ({ signal, headers }) => {
  const question = $("question").value.trim();
  if (!question) fail("Type a question first, or click one of the examples.");
  const form = photoForm();
  form.append("questions", question);
  const body = await call("/v1/ask", { method: "POST", signal, headers, body: form });
  $("answer").textContent = body.answers[0] || "(the model wrote nothing)";
  photoNote($("answer-note"), body);
}));
$("question").addEventListener("keydown", (e) => { if (e.key === "Enter") $("ask-btn").click(); });

// ------------------------------------------------------------------ chat
let conversation = [];  // [{role, content}], about the current photo
function resetChat() {
  conversation = [];
  $("chat-log").replaceChildren();
  $("chat-empty").hidden = false;
}
function addMessage(role, content, json = false) {
  const li = document.createElement("li");
  li.className = role;
  if (json) li.classList.add("json");  // a reply in JSON: its text as sent, in a fixed-width font
  li.textContent = content;
  const who = document.createElement("span");
  who.className = "sr-only";
  who.textContent = role === "user" ? "You: " : "Model: ";
  li.prepend(who);
  $("chat-log").appendChild(li);
  $("chat-log").scrollTop = $("chat-log").scrollHeight;
  $("chat-empty").hidden = true;
  return li;
}
const chatAction = action({ button: $("chat-send"), status: $("chat-status"), error: $("chat-error"),
                            target: $("chat-log") });
$("chat-form").addEventListener("submit", (e) => {
  e.preventDefault();
  chatAction(async ({ signal, headers }) => {
    const text = $("chat-input").value.trim();
    if (!text) fail("Type a message first.");
    if (!photo) fail("Choose a photo first.");
    const messages = [...conversation, { role: "user", content: text }];
    const pending = addMessage("user", text);
    $("chat-input").value = "";
    try {
      let reply, notes = {}, json = false;
      if (CONFIG && CONFIG.routes.chat) {  // the whole conversation, so follow-ups have context
        const request = { image: await blobToDataUrl(photo), messages, align: !$("photo-cropped").checked };
        if ($("chat-json").checked) request.response_format = { type: "json_object" };  // "replies in JSON"
        const body = await call("/v1/chat", {
          method: "POST", signal, headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify(request) });
        reply = body.reply;
        notes = body;
        json = Boolean(request.response_format);
      } else {  // an older server without /v1/chat: each question on its own
        const form = photoForm();
        form.append("questions", text);
        reply = (await call("/v1/ask", { method: "POST", signal, headers, body: form })).answers[0];
      }
      conversation = [...messages, { role: "assistant", content: reply }];
      const said = addMessage("assistant", reply || "(the model wrote nothing)", json && Boolean(reply));
      if ((notes.warnings || []).length) {  // about the photo, beside the reply (not part of the conversation)
        const note = document.createElement("p");
        note.className = "run-warning";
        said.appendChild(note);
        photoNote(note, notes);
      }
    } catch (err) {
      pending.remove();  // not part of the conversation; the text goes back into the box
      if (!$("chat-log").children.length) $("chat-empty").hidden = false;
      $("chat-input").value = text;
      throw err;
    }
  });
});
$("chat-reset").addEventListener("click", () => { resetChat(); $("chat-error").textContent = ""; $("chat-input").focus(); });

// ------------------------------------------------------------------ edit: the photo, the mask brush
const canvas = $("mask-canvas");
const ctx = canvas.getContext("2d");
let editPhoto = null;  // a Blob
let undoStack = [];
let stroke = null;

async function loadEdit(blob, cropped, prompt) {
  editPhoto = blob;
  const url = URL.createObjectURL(blob);
  await new Promise((resolve, reject) => {
    $("edit-base").onload = resolve;
    $("edit-base").onerror = () => reject(new Error("could not show this file as an image"));
    $("edit-base").src = url;
  });
  // the mask is drawn at the photo's own size: the server wants both the same size
  canvas.width = $("edit-base").naturalWidth;
  canvas.height = $("edit-base").naturalHeight;
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  undoStack = [];
  $("canvas-wrap").hidden = false;
  $("brush-row").hidden = false;
  if (cropped !== undefined) $("edit-cropped").checked = cropped;
  if (prompt && !$("edit-prompt").value) $("edit-prompt").value = prompt;
  $("edit-error").textContent = "";
  $("edit-result").hidden = true;
}
$("edit-photo").addEventListener("change", () => {
  const file = $("edit-photo").files[0];
  if (file) loadEdit(file, false).catch((e) => { $("edit-error").textContent = e.message; });
});
dropTarget($("edit-photo").parentElement,
           (file) => loadEdit(file, false).catch((e) => { $("edit-error").textContent = e.message; }));

function brushPoint(e) {
  const r = canvas.getBoundingClientRect();
  const scale = canvas.width / r.width;
  return { x: (e.clientX - r.left) * scale, y: (e.clientY - r.top) * scale, w: parseInt($("brush").value, 10) * scale };
}
function paint(from, to) {
  ctx.globalCompositeOperation = $("mask-erase").checked ? "destination-out" : "source-over";
  ctx.strokeStyle = ctx.fillStyle = "#ff2d55";
  ctx.lineCap = ctx.lineJoin = "round";
  ctx.lineWidth = to.w;
  ctx.beginPath();
  ctx.moveTo(from.x, from.y);
  ctx.lineTo(to.x, to.y);
  ctx.stroke();
}
canvas.addEventListener("pointerdown", (e) => {
  if (!canvas.width) return;
  e.preventDefault();
  canvas.setPointerCapture(e.pointerId);
  undoStack.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
  if (undoStack.length > 30) undoStack.shift();
  stroke = brushPoint(e);
  paint(stroke, stroke);
});
canvas.addEventListener("pointermove", (e) => {
  // a ring the size of the brush under the pointer
  const r = canvas.getBoundingClientRect(), ring = $("brush-cursor"), size = parseInt($("brush").value, 10);
  Object.assign(ring.style, { left: `${e.clientX - r.left}px`, top: `${e.clientY - r.top}px`,
                              width: `${size}px`, height: `${size}px` });
  ring.hidden = false;
  if (!stroke) return;
  const p = brushPoint(e);
  paint(stroke, p);
  stroke = p;
});
for (const type of ["pointerup", "pointercancel"]) canvas.addEventListener(type, () => { stroke = null; });
canvas.addEventListener("pointerleave", () => { $("brush-cursor").hidden = true; });
$("mask-undo").addEventListener("click", () => { if (undoStack.length) ctx.putImageData(undoStack.pop(), 0, 0); });
$("mask-clear").addEventListener("click", () => {
  if (!canvas.width) return;
  undoStack.push(ctx.getImageData(0, 0, canvas.width, canvas.height));
  ctx.clearRect(0, 0, canvas.width, canvas.height);
});

// The painted strokes as the server's mask: white where painted, black elsewhere, the photo's size.
function maskBlob() {
  const w = canvas.width, h = canvas.height;
  const painted = ctx.getImageData(0, 0, w, h).data;
  const out = new ImageData(w, h);
  let any = false;
  for (let i = 0; i < painted.length; i += 4) {
    const v = painted[i + 3] > 0 ? 255 : 0;
    any ||= v > 0;
    out.data[i] = out.data[i + 1] = out.data[i + 2] = v;
    out.data[i + 3] = 255;
  }
  if (!any) return null;
  const c = document.createElement("canvas");
  c.width = w; c.height = h;
  c.getContext("2d").putImageData(out, 0, 0);
  return new Promise((resolve) => c.toBlob(resolve, "image/png"));
}

$("edit-dice").addEventListener("click", () => { $("edit-seed").value = randomSeed(); });
const editAction = action({ button: $("edit-btn"), status: $("edit-status"), error: $("edit-error"),
                            target: $("edit-result"), steps: stepsFor, clear: () => { $("edit-result").hidden = true; } });
$("edit-btn").addEventListener("click", () => editAction(async ({ signal, headers }) => {
  if (!editPhoto) fail("Choose a photo first (or use Edit under a generated face).");
  const prompt = $("edit-prompt").value.trim();
  if (!prompt) fail("Describe what the painted part should show.");
  const mask = await maskBlob();
  if (!mask) fail("Paint over the part of the face to change first.");
  const form = new FormData();
  form.append("image", editPhoto, editPhoto.name || "photo.png");
  form.append("mask", mask, "mask.png");
  form.append("prompt", prompt);
  form.append("align", $("edit-cropped").checked ? "false" : "true");
  const settings = samplingSettings();
  for (const field of ["steps", "guidance_scale", "guidance_schedule", "temperature", "gender_contrast", "age_contrast",
                       "negative_prompt", "training_words"]) {
    if (settings[field] !== undefined) form.append(field, settings[field]);
  }
  const seed = seedDigits($("edit-seed"));
  if (seed !== null) form.append("seed", seed);
  const body = await call("/v1/edit", { method: "POST", signal, headers, body: form });
  $("edit-before").src = $("edit-base").src;
  $("edit-after").src = body.image;
  $("edit-download").href = body.image;
  // what the server says about the edit in words (e.g. part of the mask lies outside the face and was not edited)
  const notes = [].concat(body.warnings || [], body.warning || []).filter((w) => typeof w === "string");
  $("edit-note").textContent = notes.join(" ");
  drawnAs($("edit-note"), prompt, body.drawn_prompt, `${notes.length ? " " : ""}The painted part was drawn as `, ".");
  $("edit-result").hidden = false;
}));
$("edit-prompt").addEventListener("keydown", (e) => { if (e.key === "Enter") $("edit-btn").click(); });
$("edit-again").addEventListener("click", async () => {
  await loadEdit(await dataUrlToBlob($("edit-after").src), $("edit-cropped").checked);
});

// ------------------------------------------------------------------ start
showTab(location.hash.slice(1) || "generate");
if (window.innerWidth < 820) $("settings").open = false;  // on a phone the prompt and the faces come first
fetch("/v1/config").then((r) => (r.ok ? r.json() : Promise.reject(r))).then((c) => {
  CONFIG = c;
  $("steps").max = c.limits.max_steps;
  for (const name of c.guidance_schedules) $("schedule").add(new Option(name, name));
  $("schedule").closest(".slider").hidden = !c.defaults.guidance_schedule;
  $("count").max = c.limits.max_images;
  if (parseInt($("count").value, 10) > c.limits.max_images) $("count").value = c.limits.max_images;
  applyDefaults();
  $("model").textContent = `model ${c.model} · ${c.image_size} px faces`;
  $("chat-mode").textContent = c.routes.chat ? "" : "This server answers each chat message on its own (no /v1/chat).";
  $("chat-json").disabled = !c.routes.chat;  // replies in JSON need /v1/chat's response_format
  return fetch("/health").then((r) => r.json()).then((h) => {
    $("model").textContent = `model ${c.model} (${h.preset}, ${c.image_size} px) on ${h.device}, ${h.dtype}`;
  });
}).catch(() => { $("model").textContent = "could not read the model's settings: the server's own defaults apply"; });
