/*
 * Diagrams at a readable size. Every `.pathway-diagram` (an inline SVG) opens at the scale that fits the column,
 * but never below the scale at which its smallest text is READABLE px tall: a large diagram opens readable and is
 * panned, never shrunk to a thumbnail. Zoom with the buttons, with ctrl (or cmd) and the wheel, or by pinching;
 * drag to pan. Panzoom (vendored in assets/vendor/panzoom, MIT) moves the diagram with a CSS transform.
 * The instance is kept on the frame as `pathwayZoom` (the browser test reads its scale).
 */
(function () {
  "use strict";
  var READABLE = 12;

  function smallestText(svg, unit) {
    var smallest = Infinity;
    svg.querySelectorAll("text").forEach(function (text) {
      var size = parseFloat(text.getAttribute("font-size") || window.getComputedStyle(text).fontSize);
      if (size > 0) smallest = Math.min(smallest, size * unit);
    });
    return smallest;
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "pathway-diagram__button";
    b.textContent = label;
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", action);
    return b;
  }

  function setup(frame) {
    var svg = frame.querySelector("svg");
    if (!svg || frame.pathwayZoom || typeof window.Panzoom !== "function") return;
    var width = svg.width.baseVal.value, height = svg.height.baseVal.value;
    var box = svg.viewBox && svg.viewBox.baseVal;
    var unit = box && box.width ? width / box.width : 1;
    var smallest = smallestText(svg, unit);
    var readable = isFinite(smallest) ? READABLE / smallest : 1;
    var fit = frame.clientWidth / width;
    var start = Math.max(Math.min(fit, 1), readable);

    var stage = document.createElement("div");
    stage.className = "pathway-diagram__stage";
    svg.style.width = width + "px";
    svg.style.height = height + "px";
    frame.insertBefore(stage, svg);
    stage.appendChild(svg);
    frame.classList.add("pathway-diagram--zoom");
    frame.style.height = Math.max(120, Math.min(height * start + 2, window.innerHeight * 0.7)) + "px";

    var zoom = window.Panzoom(stage, {
      startScale: start,
      minScale: Math.min(fit, start) * 0.9,
      maxScale: Math.max(4, start * 4),
      origin: "0 0",
      canvas: true,
      step: 0.25,
    });
    frame.pathwayZoom = zoom;
    frame.dataset.initialScale = String(start);
    frame.addEventListener("wheel", function (event) {
      if (event.ctrlKey || event.metaKey) zoom.zoomWithWheel(event);
    });

    function around(factor) {
      var rect = frame.getBoundingClientRect();
      zoom.zoomToPoint(zoom.getScale() * factor, {
        clientX: rect.left + rect.width / 2,
        clientY: rect.top + rect.height / 2,
      });
    }
    var bar = document.createElement("div");
    bar.className = "pathway-diagram__toolbar";
    bar.appendChild(button("+", "Zoom in", function () { around(1.25); }));
    bar.appendChild(button("\u2212", "Zoom out", function () { around(0.8); }));
    bar.appendChild(button("Fit width", "Fit the width of the column", function () {
      zoom.zoom(fit, { animate: false });
      zoom.pan(0, 0, { animate: false });
    }));
    bar.appendChild(button("Reset", "Back to the readable size", function () {
      zoom.zoom(start, { animate: false });
      zoom.pan(0, 0, { animate: false });
    }));
    var link = frame.nextElementSibling && frame.nextElementSibling.querySelector("a.pathway-full-size");
    if (link) {
      link.target = "_blank";
      link.rel = "noopener";
      bar.appendChild(link);
      if (!frame.nextElementSibling.textContent.trim()) frame.nextElementSibling.remove();
    }
    frame.parentNode.insertBefore(bar, frame);
  }

  function init() {
    document.querySelectorAll(".pathway-diagram").forEach(setup);
  }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
