// pinpages recordings in the page: a real kernel's run of a lesson (made with
// `sudo pinpages real LESSON --record run.json`, docs/RECORDINGS.md) shown next to the
// model. Four ways in, one path: window.pinpages.loadRecording(json).
//
//   "Open recording" button ─┐
//   drop a .json on the page ─┼─► loadRecording(text) ─► pp_ui_load_recording (C++ checks it)
//   #recording=URL in the link┘        └─► { ok, error }  + the message on the page
'use strict';

(function () {
  const api = window.pinpages || (window.pinpages = {});
  const MAX_BYTES = 32 * 1024 * 1024;  // as src/real/recording.h kMaxBytes

  function show(message, bad) {
    const box = document.getElementById('recording-msg');
    if (!box) return;
    box.textContent = message;
    box.className = bad ? 'bad' : 'good';
    box.hidden = !message;
    clearTimeout(show.timer);
    if (!bad) show.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  // Returns { ok: true } or { ok: false, error: "what is wrong (which field)" }.
  api.loadRecording = function (doc, opts) {
    const m = api.module;
    const fail = (error) => { show('Recording not opened: ' + error, true); return { ok: false, error }; };
    if (!m || !m.ccall) return fail('the page has not started yet');
    let text = doc;
    if (typeof doc !== 'string') {
      try { text = JSON.stringify(doc); } catch (e) { return fail('not a JSON document: ' + e.message); }
    }
    if (typeof text !== 'string') return fail('not a JSON document');
    if (text.length > MAX_BYTES) {
      return fail(`the file is ${(text.length / 1048576).toFixed(1)} MB; a recording is at most ${MAX_BYTES >> 20} MB`);
    }
    api.sendDocument(m, text);
    const lesson = opts && opts.lesson ? String(opts.lesson) : '';
    const error = m.ccall('pp_ui_load_recording', 'string', ['string'], [lesson]);
    if (error) return fail(error);
    const st = api.state && api.state();
    const k = st && st.kernel;
    show(k && k.machine ? `Opened a real kernel's run of "${st.title}" (Linux ${k.machine.kernel_release}, ` +
      `${k.machine.hypervisor === 'none' ? 'bare metal' : k.machine.hypervisor}): ${k.summary}.` : 'Recording opened.', false);
    return { ok: true };
  };

  function loadFile(file) {
    if (!file) return;
    if (file.size > MAX_BYTES) {
      show(`Recording not opened: ${file.name} is ${(file.size / 1048576).toFixed(1)} MB; a recording is at most ${MAX_BYTES >> 20} MB`, true);
      return;
    }
    file.text().then((t) => api.loadRecording(t), (e) => show(`Recording not opened: cannot read ${file.name}: ${e}`, true));
  }

  // #recording=URL (same origin, or any URL the user gives that allows it). The UI
  // rewrites the hash from its first frame on (without recording=), and this add-on loads
  // after that frame: the address the page was opened with is the one loader.js kept.
  const openedWith = typeof api.openedWith === 'string' ? api.openedWith : location.hash;
  function fromHash(e) {
    const h = new URLSearchParams((e && e.type === 'hashchange' ? location.hash : openedWith).slice(1));
    const url = h.get('recording');
    if (!url || url === fromHash.last) return;
    fromHash.last = url;
    show('Loading the recording…', false);
    fetch(url).then((r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return r.text();
    }).then((t) => api.loadRecording(t, { lesson: h.get('lesson') || '' }),
      (e) => show(`Recording not opened: cannot fetch ${url} (${e.message})`, true));
  }

  function install() {
    const bar = document.createElement('div');
    bar.id = 'recording-bar';
    bar.innerHTML = '<label class="rec-open pp-focus-only" title="Open a recording of a real kernel run (pinpages real LESSON --record FILE.json)">' +
      'Open recording<input type="file" id="recording-file" accept=".json,application/json"></label>' +
      '<div id="recording-msg" role="status" hidden></div>';
    document.body.appendChild(bar);
    document.getElementById('recording-file').addEventListener('change', (e) => {
      loadFile(e.target.files && e.target.files[0]);
      e.target.value = '';
    });
    // The "Open recording..." button in the canvas's controls (src/ui/controls.cpp) calls
    // this: still inside the click's user activation, so the browser shows the picker.
    (api.actions || (api.actions = {})).recording = () => document.getElementById('recording-file').click();
    window.addEventListener('dragover', (e) => { e.preventDefault(); document.body.classList.add('dropping'); });
    window.addEventListener('dragleave', () => document.body.classList.remove('dropping'));
    window.addEventListener('drop', (e) => {
      e.preventDefault();
      document.body.classList.remove('dropping');
      loadFile(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
    });
    window.addEventListener('hashchange', fromHash);
    if (api.ready) api.ready.then(() => fromHash(null), () => {});
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', install);
  else install();
})();
