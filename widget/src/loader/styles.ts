// Launcher styles. `:host` declarations are !important because, across shadow boundaries,
// important rules from the inner context beat the page's (even `* { display:none !important }`).
export const LAUNCHER_CSS = `
:host {
  all: initial !important; display: block !important; position: static !important;
  width: 0 !important; height: 0 !important; margin: 0 !important; padding: 0 !important;
  visibility: visible !important; opacity: 1 !important; transform: none !important; filter: none !important;
  contain: none !important; pointer-events: auto !important;
  --lc-accent: #1f5fbf; --lc-on-accent: #fff; --lc-accent-text: #1f5fbf;
}
.lc-launcher {
  position: fixed; bottom: 20px; right: 20px; z-index: 2147483647; display: flex; align-items: center; justify-content: center;
  width: 60px; height: 60px; border-radius: 50%; border: 0; margin: 0; padding: 0; cursor: pointer;
  background: var(--lc-accent); color: var(--lc-on-accent);
  box-shadow: 0 6px 20px rgba(16, 24, 40, .28); transition: transform .15s ease;
}
.lc-launcher:hover { transform: scale(1.06); }
/* Two rings, dark and light, so the focus shows on any page background. */
.lc-launcher:focus-visible { outline: 3px solid #1d232b; outline-offset: 3px; box-shadow: 0 0 0 3px #fff, 0 6px 20px rgba(16, 24, 40, .28); }
.lc-launcher svg { width: 28px; height: 28px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.lc-launcher[aria-busy="true"] svg { opacity: .55; }
.lc-left .lc-launcher { right: auto; left: 20px; }
.lc-badge { position: absolute; top: 2px; right: 2px; width: 14px; height: 14px; border-radius: 50%; background: #d92d20; border: 2px solid #fff; }
.lc-badge[hidden] { display: none; }
@media (prefers-reduced-motion: reduce) { .lc-launcher { transition: none; } .lc-launcher:hover { transform: none; } }
@media (max-width: 479.98px) { .lc-open .lc-launcher { display: none; } }
`;
