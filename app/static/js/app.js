/* SCS Intake: small enhancements. Every page also works without this script. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function valuesOf(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      if (el.value !== "") { values.push(el.value); }
    });
    return values;
  }

  function holds(form, cond) {
    if ("known" in cond) { return cond.known; }  // a question on another page
    var values = valuesOf(form, cond.q);
    var wanted = String(cond.a);
    if (cond.op === "exists") { return (values.length > 0) === Boolean(cond.a); }
    if (!values.length) { return false; }
    return values.some(function (v) {
      switch (cond.op) {
        case "=": return v === wanted;
        case "!=": return v !== wanted;
        case ">": return Number(v) > Number(cond.a);
        case "<": return Number(v) < Number(cond.a);
        case ">=": return Number(v) >= Number(cond.a);
        case "<=": return Number(v) <= Number(cond.a);
      }
      return false;
    });
  }

  function applyConditions(form) {
    form.querySelectorAll("[data-enable-when]").forEach(function (block) {
      var rule = JSON.parse(block.getAttribute("data-enable-when"));
      var results = rule.when.map(function (c) { return holds(form, c); });
      var show = rule.any ? results.some(Boolean) : results.every(Boolean);
      block.hidden = !show;
    });
  }

  function areaName(name, region) {
    var label = document.querySelector('label[for="' + name + "-" + region + '"]');
    return label ? label.textContent.trim() : region;
  }

  // The picture mirrors the checkboxes; the line under it names what is chosen, so a
  // zoomed figure taller than the screen never hides the answer.
  function syncBodyMap(form) {
    form.querySelectorAll("[data-body-map]").forEach(function (map) {
      var name = map.getAttribute("data-body-map");
      if (!name) { return; }
      map.querySelectorAll("[data-region]").forEach(function (shape) {
        var box = document.getElementById(name + "-" + shape.getAttribute("data-region"));
        shape.classList.toggle("selected", Boolean(box && box.checked));
      });
      var chosen = [];
      document.querySelectorAll('input[name="' + name + '"]:checked').forEach(function (box) {
        chosen.push(areaName(name, box.value));
      });
      var line = map.querySelector("[data-chosen]");
      if (line) {
        line.textContent = chosen.length
          ? line.getAttribute("data-chosen-prefix") + " " + chosen.join(", ") + "."
          : line.getAttribute("data-nothing");
      }
    });
  }

  // The page's words for a ticked and an unticked area, in the page's language.
  function said(map, checked) {
    var line = map.querySelector("[data-said]");
    return line.getAttribute(checked ? "data-chosen-word" : "data-unchosen-word");
  }

  function say(map, text) {
    var said = map.querySelector("[data-said]");
    if (said) { said.textContent = text; }
  }

  function zoom(map, view) {
    map.classList.toggle("zoomed", Boolean(view));
    map.querySelectorAll("[data-view]").forEach(function (figure) {
      figure.classList.toggle("shown", figure.getAttribute("data-view") === view);
    });
    map.querySelectorAll("[data-zoom]").forEach(function (button) {
      var target = button.getAttribute("data-zoom");
      if (target) {
        button.setAttribute("aria-pressed", String(target === view));
      } else {
        button.hidden = !view;
      }
    });
  }

  function setUpBodyMap(form) {
    form.querySelectorAll("[data-body-map]").forEach(function (map) {
      var name = map.getAttribute("data-body-map");
      if (!name) { return; }
      map.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () { zoom(map, button.getAttribute("data-zoom")); });
      });
      map.addEventListener("click", function (event) {
        if (!map.classList.contains("zoomed")) {
          // A tap on the small figures makes that view bigger, so that no area is too
          // small to hit; the areas can be tapped once it is.
          var figure = event.target.closest && event.target.closest("[data-view]");
          if (figure) { zoom(map, figure.getAttribute("data-view")); }
          return;
        }
        var region = event.target.getAttribute && event.target.getAttribute("data-region");
        var box = region && document.getElementById(name + "-" + region);
        if (box) {
          box.checked = !box.checked;
          say(map, areaName(name, region) + ": " + said(map, box.checked));
          box.dispatchEvent(new Event("change", { bubbles: true }));
        }
      });
      // A checkbox of the list in focus shows its area on the figure, and names it.
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) {
        box.addEventListener("focus", function () {
          map.querySelectorAll('[data-region="' + box.value + '"]').forEach(function (shape) {
            shape.classList.add("focused");
          });
          say(map, areaName(name, box.value) + ": " + said(map, box.checked));
        });
        box.addEventListener("blur", function () {
          map.querySelectorAll(".focused").forEach(function (shape) {
            shape.classList.remove("focused");
          });
        });
      });
    });
  }

  function setUpAutosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var status = document.getElementById("autosave-status");
    if (!url || !window.fetch) { return; }
    var dirty = false;
    var busy = false;
    var held = null;      // the button pressed while a draft save was on its way
    var sending = false;  // the page itself is being sent: no more draft saves
    form.addEventListener("input", function () { dirty = true; });
    form.addEventListener("change", function () { dirty = true; });

    function sendHeld() {
      if (!held) { return; }
      var button = held.button;
      held = null;
      sending = true;
      if (form.requestSubmit) {
        form.requestSubmit(button);
        return;
      }
      if (button && button.name) {
        var field = document.createElement("input");
        field.type = "hidden";
        field.name = button.name;
        field.value = button.value;
        form.appendChild(field);
      }
      form.submit();
    }

    form.addEventListener("submit", function (event) {
      if (busy && !sending) {
        // A draft save on its way is about to change the page's lock version. Send the
        // page once its answer brings the new one (or after five seconds regardless), so
        // that the patient is not told their answers changed in another window.
        event.preventDefault();
        if (!held) {
          held = { button: event.submitter || null };
          window.setTimeout(sendHeld, 5000);
        }
        return;
      }
      sending = true;
    });
    // A page brought back by the Back button keeps its script's state: save drafts again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) { sending = false; }
    });

    window.setInterval(function () {
      if (!dirty || busy || sending) { return; }
      dirty = false;
      busy = true;
      var data = new FormData(form);
      data.delete("action");
      fetch(url, { method: "POST", body: data, credentials: "same-origin",
                   headers: { "X-Requested-With": "fetch" } })
        .then(function (response) {
          return response.json().then(function (body) { return { ok: response.ok, body: body }; });
        })
        .then(function (result) {
          if (result.body.logged_out) {
            if (window.scsSessionEnded) { window.scsSessionEnded(); }
          } else if (window.scsIdleRestart) { window.scsIdleRestart(); }
          if (result.ok && result.body.saved) {
            var lock = form.querySelector('[name="lock_version"]');
            if (lock) { lock.value = result.body.lock_version; }
            if (status) { status.textContent = result.body.said; }
          } else if (status && result.body.message) {
            status.textContent = result.body.message;
          }
        })
        .catch(function () {
          dirty = true;
          if (status) { status.textContent = status.getAttribute("data-failed"); }
        })
        .then(function () { busy = false; sendHeld(); });
    }, 20000);
  }

  // Two minutes before the idle log-out, ask whether the person is still there. Any
  // request resets the server's clock, so the warning restarts after each one the page
  // makes (a draft save, "Stay logged in"). Before warning, the page asks the server how
  // long is left (asking is not activity): a phone asleep for an hour wakes to "You have
  // been logged out", never to a warning about a session that has already ended.
  var idleTimer = null;
  function setUpIdleWarning() {
    var body = document.body;
    var seconds = Number(body.getAttribute("data-idle-seconds"));
    var dialog = document.getElementById("idle-dialog");
    if (!seconds || !dialog || !dialog.showModal) { return null; }
    var warning = dialog.querySelector('[data-idle-state="warning"]');
    var ended = dialog.querySelector('[data-idle-state="ended"]');
    var isOver = false;

    function show(state) {
      warning.hidden = state !== "warning";
      ended.hidden = state !== "ended";
      var prefix = state === "ended" ? "idle-ended-" : "idle-";
      dialog.setAttribute("aria-labelledby", prefix + "title");
      dialog.setAttribute("aria-describedby", prefix + "text");
      if (!dialog.open) { dialog.showModal(); }
      (state === "ended" ? ended : warning).querySelector("button").focus();
    }
    function showEnded() {
      isOver = true;
      window.clearTimeout(idleTimer);
      show("ended");
    }
    function schedule(after) {
      window.clearTimeout(idleTimer);
      idleTimer = window.setTimeout(check, Math.max(after, 10) * 1000);
    }
    function check() {
      if (isOver) { return; }
      fetch(body.getAttribute("data-session-url"), { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.json(); })
        .then(function (state) {
          if (!state.active) { showEnded(); }
          else if (state.seconds_left > 130) { schedule(state.seconds_left - 120); }
          else { show("warning"); schedule(state.seconds_left + 1); }
        })
        .catch(function () { show("warning"); });
    }
    function restart() {
      if (!isOver) { schedule(seconds - 120); }
    }
    warning.querySelector("[data-stay]").addEventListener("click", function () {
      fetch(body.getAttribute("data-keepalive-url"), {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "X-CSRFToken": body.getAttribute("data-csrf") }
      }).then(function (response) {
        if (response.status === 204) { dialog.close(); restart(); } else { showEnded(); }
      }).catch(check);
    });
    ended.querySelector("[data-log-in-again]").addEventListener("click", function () {
      // The page's answers go to the server, which keeps them as this page's draft
      // (the page's keep token says whose they are) and asks the person to log in.
      var keep = document.querySelector('form input[name="keep_token"]');
      var form = keep && keep.form;
      var button = form && form.querySelector('.actions button[type="submit"]');
      if (button) {
        if (form.requestSubmit) { form.requestSubmit(button); } else { button.click(); }
      } else {
        window.location.href = body.getAttribute("data-login-url");
      }
    });
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) { check(); }
    });
    window.scsSessionEnded = showEnded;
    restart();
    return restart;
  }

  document.addEventListener("DOMContentLoaded", function () {
    window.scsIdleRestart = setUpIdleWarning();
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-enable-when]")) {
        applyConditions(form);
        form.addEventListener("change", function () { applyConditions(form); });
      }
      if (form.querySelector("[data-body-map]")) {
        setUpBodyMap(form);
        syncBodyMap(form);
        form.addEventListener("change", function () { syncBodyMap(form); });
      }
      setUpAutosave(form);
    });
    var summary = document.querySelector("[data-focus-on-load]");
    if (summary) {
      summary.focus();
    } else if (window.location.hash) {
      // Back on a list after saving a row: focus the row, so a screen reader reads it.
      var target = document.getElementById(window.location.hash.slice(1));
      if (target && target.hasAttribute("tabindex")) { target.focus(); }
    }
    var first = document.querySelector("form[data-focus-first] input:not([type=hidden]), " +
                                       "form[data-focus-first] textarea");
    if (first && !summary) { first.focus(); }
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    // A folded copy of the answers prints in full, whichever way printing starts.
    window.addEventListener("beforeprint", function () {
      document.querySelectorAll("details[data-open-to-print]").forEach(function (details) {
        details.open = true;
      });
    });
  });
})();
