// The demo page's status line, in a file of its own: the page's Content-Security-Policy allows no
// inline script.
const viewer = document.getElementById('viewer');
const status = document.getElementById('status');
viewer.addEventListener('progress', (e) => {
  const d = e.detail;
  status.textContent = `${d.splats} splats, ${(d.bytesLoaded / 1024).toFixed(0)} of ${(d.bytesTotal / 1024).toFixed(0)} KB`;
});
viewer.addEventListener('load', (e) => (status.textContent = `${e.detail.splats} splats, loaded`));
viewer.addEventListener('error', (e) => (status.textContent = e.detail.message));
