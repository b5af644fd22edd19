// MathJax 3 settings for pymdownx.arithmatex (generic mode). Loaded before the vendored
// MathJax (assets/vendor/mathjax/tex-svg.js: TeX input, SVG output, fonts inside the file), so
// formulas render offline and from a file.
window.MathJax = {
  tex: {
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    processHtmlClass: "arithmatex",
    // The accessibility explorer would fetch its speech rules from a CDN: keep it off.
    enableExplorer: false,
    menuOptions: { settings: { explorer: false } },
  },
};
