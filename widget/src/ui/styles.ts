// The chat panel's styles, applied inside the shadow root (adoptedStyleSheets: allowed under a
// strict CSP, unlike a <style> element). `:host { all: initial }` in the loader cuts off the
// page's inherited styles; everything below sets what it needs explicitly.
export const PANEL_CSS = `
.lc-panel {
  position: fixed; bottom: 92px; right: 20px; z-index: 2147483647;
  width: 370px; height: min(600px, calc(100vh - 120px));
  display: flex; flex-direction: column; box-sizing: border-box;
  background: #fff; color: #1d232b; border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(16, 24, 40, .22), 0 2px 8px rgba(16, 24, 40, .12);
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  text-align: left; letter-spacing: normal; text-transform: none;
  animation: lc-in .18s ease-out;
}
.lc-panel[hidden] { display: none; }
.lc-left .lc-panel { right: auto; left: 20px; }
@keyframes lc-in { from { opacity: 0; transform: translateY(12px); } to { opacity: 1; transform: none; } }
@media (prefers-reduced-motion: reduce) { .lc-panel, .lc-panel * { animation: none !important; transition: none !important; } }
@media (max-width: 479.98px) {
  .lc-panel, .lc-left .lc-panel { inset: 0; width: 100%; height: 100%; border-radius: 0; bottom: 0; right: 0; left: 0; }
}
/* The hidden attribute must win over any display rule below. */
[hidden] { display: none !important; }
.lc-panel *, .lc-panel *::before, .lc-panel *::after { box-sizing: border-box; }
.lc-header {
  display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px;
  background: var(--lc-accent); color: var(--lc-on-accent); flex: none;
}
.lc-title { flex: 1; margin: 0; font-size: 17px; font-weight: 650; line-height: 1.3; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lc-icon-btn {
  display: inline-flex; align-items: center; justify-content: center; width: 34px; height: 34px;
  border: 0; border-radius: 8px; background: transparent; color: inherit; cursor: pointer; padding: 0; flex: none;
}
.lc-icon-btn:hover { background: rgba(255,255,255,.18); }
.lc-icon-btn svg { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2.2; stroke-linecap: round; }
.lc-lang {
  font: inherit; font-size: 13px; color: inherit; background: transparent; border: 1px solid currentColor;
  border-radius: 6px; padding: 3px 4px; max-width: 110px; cursor: pointer;
}
.lc-lang option { color: #1d232b; background: #fff; }
/* Focus rings keep 3:1 against what is behind them: the accent text colour on white, the
   on-accent colour in the header. */
:focus-visible { outline: 3px solid var(--lc-accent-text); outline-offset: 2px; }
.lc-header :focus-visible { outline-color: var(--lc-on-accent); }
.lc-input:focus-visible { outline-offset: 0; }
.lc-input::placeholder { color: #646d78; opacity: 1; }
.lc-status { flex: none; padding: 6px 16px; background: #fff4d6; color: #5c4200; font-size: 13px; }
.lc-status[hidden] { display: none; }
.lc-body { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 12px; min-height: 0; }
.lc-h { margin: 0; font-size: 18px; font-weight: 650; color: #1d232b; line-height: 1.3; }
.lc-p { margin: 0; color: #3b4450; }
.lc-topics { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; }
.lc-topic {
  width: 100%; display: flex; flex-direction: column; align-items: flex-start; gap: 2px; text-align: left;
  font: inherit; color: #1d232b; background: #f5f7fa; border: 1px solid #d5dbe3; border-radius: 10px;
  padding: 12px 14px; cursor: pointer;
}
.lc-topic:hover { border-color: var(--lc-accent); background: #eef3fb; }
.lc-topic-name { font-weight: 600; font-size: 16px; }
.lc-topic-state { font-size: 13px; color: #3b4450; display: flex; align-items: center; gap: 6px; }
.lc-dot { width: 8px; height: 8px; border-radius: 50%; background: #1a7f37; flex: none; }
.lc-dot.lc-off { background: #8a939e; }
.lc-form { display: flex; flex-direction: column; gap: 12px; }
.lc-field { display: flex; flex-direction: column; gap: 4px; }
.lc-label { font-size: 14px; font-weight: 600; color: #1d232b; }
.lc-req { font-weight: 400; color: #57606a; font-size: 13px; }
.lc-input {
  font: inherit; color: #1d232b; background: #fff; border: 1px solid #8a939e; border-radius: 8px;
  padding: 9px 11px; width: 100%; margin: 0;
}
.lc-input[aria-invalid="true"] { border-color: #b42318; box-shadow: 0 0 0 1px #b42318; }
textarea.lc-input { resize: vertical; min-height: 96px; }
.lc-error { color: #b42318; font-size: 13px; margin: 0; }
.lc-error[hidden] { display: none; }
.lc-alert { color: #7a1a12; background: #fdecea; border-radius: 8px; padding: 8px 12px; font-size: 14px; margin: 0; }
.lc-alert[hidden] { display: none; }
.lc-ok { color: #0f5323; background: #e7f5ea; border-radius: 8px; padding: 10px 12px; margin: 0; }
.lc-btn {
  font: inherit; font-weight: 600; border-radius: 8px; padding: 9px 16px; cursor: pointer;
  border: 1px solid var(--lc-accent); background: var(--lc-accent); color: var(--lc-on-accent);
}
.lc-btn:disabled { opacity: .6; cursor: default; }
.lc-btn-ghost { background: #fff; color: var(--lc-accent-text); border-color: #c4ccd6; font-weight: 500; }
.lc-btn-ghost:hover { background: #f5f7fa; }
.lc-btn-small { padding: 5px 10px; font-size: 13px; }
.lc-log { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
.lc-msg { display: flex; flex-direction: column; max-width: 85%; align-self: flex-start; }
.lc-msg-visitor { align-self: flex-end; align-items: flex-end; }
.lc-meta { font-size: 12px; color: #57606a; margin: 0 4px 2px; }
.lc-bubble {
  padding: 8px 12px; border-radius: 14px; white-space: pre-wrap; overflow-wrap: anywhere;
  background: #eef1f5; color: #1d232b; border-bottom-left-radius: 4px;
}
.lc-msg-visitor .lc-bubble { background: var(--lc-accent); color: var(--lc-on-accent); border-radius: 14px; border-bottom-right-radius: 4px; }
.lc-msg-bot .lc-bubble { background: #f3effc; color: #2b1f4d; border: 1px solid #dcd2f5; }
.lc-msg-system { align-self: center; max-width: 92%; }
.lc-msg-system .lc-bubble { background: transparent; color: #57606a; font-size: 13px; font-style: italic; text-align: center; padding: 2px 8px; }
.lc-msg-failed .lc-bubble { opacity: .75; }
.lc-avatar {
  display: inline-flex; align-items: center; justify-content: center; width: 20px; height: 20px; margin-right: 6px;
  border-radius: 50%; background: var(--lc-accent); color: var(--lc-on-accent); font-size: 11px; font-weight: 650; vertical-align: middle;
}
.lc-a { color: inherit; text-decoration: underline; }
.lc-rp { margin: 0; }
.lc-rp + .lc-rp, .lc-rl, .lc-pre { margin: 6px 0 0; }
.lc-rl { padding-left: 20px; }
.lc-bubble code, .lc-pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 13px; }
.lc-pre { white-space: pre-wrap; background: rgba(0,0,0,.05); padding: 6px 8px; border-radius: 6px; }
.lc-delivery { font-size: 12px; color: #57606a; margin: 2px 4px 0; display: flex; gap: 8px; align-items: center; }
.lc-delivery-failed { color: #b42318; }
.lc-link { font: inherit; font-size: 12px; background: none; border: 0; padding: 0; color: #b42318; text-decoration: underline; cursor: pointer; }
.lc-quick { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.lc-chip {
  font: inherit; font-size: 14px; border-radius: 999px; padding: 5px 12px; cursor: pointer;
  background: #fff; color: var(--lc-accent-text); border: 1px solid var(--lc-accent-text);
}
.lc-chip:hover { background: #eef3fb; }
.lc-typing { margin: 0; font-size: 13px; color: #57606a; font-style: italic; min-height: 0; }
.lc-footer { flex: none; border-top: 1px solid #e3e8ee; padding: 10px 12px 12px; display: flex; flex-direction: column; gap: 8px; background: #fff; }
.lc-actions { display: flex; gap: 6px; flex-wrap: wrap; }
.lc-actions > :last-child { margin-left: auto; }
.lc-composer { display: flex; gap: 8px; align-items: flex-end; }
.lc-composer .lc-input { min-height: 42px; max-height: 120px; resize: none; flex: 1; }
.lc-ended { display: flex; flex-direction: column; gap: 8px; align-items: flex-start; }
.lc-sr { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.lc-confirm { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 14px; }
.lc-confirm[hidden] { display: none; }
`;
