// The drawing canvas of notebook 06 (cnn_lib.widgets.draw.DrawCanvas), an anywidget ES module:
// no build step, no network. Mouse, touch and pen through pointer events; the keyboard through
// a cursor on a coarse grid. After each stroke it sends the picture, shrunk to size x size grey
// levels (0 black .. 255 white), as the `value` bytes; Python can send a picture back the same way.
const SIDE = 280;            // on-screen pixels
const GRID = 14;             // keyboard cursor: a GRID x GRID grid of cells
const PEN = SIDE / 28 * 2.2; // stroke width: about 2 pixels of a 28 x 28 digit

function render({ model, el }) {
  const size = model.get("size");
  const wrap = document.createElement("div");
  wrap.style.cssText = `position:relative;width:${SIDE}px;height:${SIDE}px;`;
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = SIDE;
  canvas.tabIndex = 0;
  canvas.className = "cnn-draw-canvas";
  canvas.setAttribute("role", "application");
  canvas.setAttribute("aria-label", "Drawing area for a digit. Draw with a mouse, finger or pen. " +
    "Keyboard: arrow keys move the cursor, Space lifts or lowers the pen (a lowered pen paints as it moves), " +
    "Escape clears.");
  canvas.dataset.lmSuppressShortcuts = "true";     // JupyterLab: keys here are ours, not notebook shortcuts
  canvas.style.cssText = "background:#000;touch-action:none;cursor:crosshair;border:1px solid #888;";
  const cursor = document.createElement("div");
  const cell = SIDE / GRID;
  cursor.style.cssText = `position:absolute;width:${cell}px;height:${cell}px;pointer-events:none;` +
    "box-sizing:border-box;border:2px solid #e66101;display:none;";
  wrap.append(canvas, cursor);
  el.append(wrap);
  const ctx = canvas.getContext("2d");
  const small = document.createElement("canvas");
  small.width = small.height = size;
  const sctx = small.getContext("2d", { willReadFrequently: true });
  let drawing = false, last = null, sent = null;
  let key = { row: GRID / 2, col: GRID / 2, pen: false };

  function clearCanvas() {
    ctx.fillStyle = "#000";
    ctx.fillRect(0, 0, SIDE, SIDE);
  }
  function line(a, b) {
    ctx.strokeStyle = "#fff";
    ctx.fillStyle = "#fff";
    ctx.lineWidth = PEN;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a.x, a.y);
    ctx.lineTo(b.x, b.y);
    ctx.stroke();
    ctx.beginPath();
    ctx.arc(b.x, b.y, PEN / 2, 0, 2 * Math.PI);
    ctx.fill();
  }
  function send() {                                    // the whole picture, shrunk (area-smoothed)
    sctx.imageSmoothingEnabled = true;
    sctx.imageSmoothingQuality = "high";
    sctx.clearRect(0, 0, size, size);
    sctx.drawImage(canvas, 0, 0, size, size);
    const rgba = sctx.getImageData(0, 0, size, size).data;
    const grey = new Uint8Array(size * size);
    for (let i = 0; i < grey.length; i++) grey[i] = rgba[4 * i];
    sent = grey;
    model.set("value", new DataView(grey.buffer));
    model.save_changes();
  }
  function show() {                                    // a picture from Python (sample, clear)
    const view = model.get("value");
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    if (sent && bytes.length === sent.length && bytes.every((v, i) => v === sent[i])) return;
    sent = null;
    if (bytes.length !== size * size) return;
    const image = sctx.createImageData(size, size);
    for (let i = 0; i < bytes.length; i++) {
      image.data.set([bytes[i], bytes[i], bytes[i], 255], 4 * i);
    }
    sctx.putImageData(image, 0, 0);
    clearCanvas();
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, SIDE, SIDE);
  }
  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * SIDE / box.width, y: (event.clientY - box.top) * SIDE / box.height };
  }
  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.focus();
    canvas.setPointerCapture(event.pointerId);
    drawing = true;
    last = point(event);
    line(last, last);
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!drawing) return;
    const p = point(event);
    line(last, p);
    last = p;
  });
  const end = () => {
    if (!drawing) return;
    drawing = false;
    send();                                            // the end of a stroke: Python answers
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  function placeCursor() {
    cursor.style.left = `${key.col * cell}px`;
    cursor.style.top = `${key.row * cell}px`;
    cursor.style.borderStyle = key.pen ? "solid" : "dashed";
  }
  const centre = () => ({ x: (key.col + 0.5) * cell, y: (key.row + 0.5) * cell });
  canvas.addEventListener("focus", () => { cursor.style.display = "block"; placeCursor(); });
  canvas.addEventListener("blur", () => { cursor.style.display = "none"; });
  canvas.addEventListener("keydown", (event) => {
    const moves = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (event.key in moves) {
      const before = centre();
      const [dr, dc] = moves[event.key];
      key.row = Math.min(GRID - 1, Math.max(0, key.row + dr));
      key.col = Math.min(GRID - 1, Math.max(0, key.col + dc));
      if (key.pen) { line(before, centre()); send(); }
    } else if (event.key === " ") {
      key.pen = !key.pen;
      if (key.pen) { line(centre(), centre()); send(); }
    } else if (event.key === "Escape" || event.key === "Delete" || event.key === "Backspace") {
      clearCanvas();
      key.pen = false;
      send();
    } else {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    placeCursor();
  });
  clearCanvas();
  model.on("change:value", show);
  show();
}

export default { render };
