// paper.js — the self-paced paper (/learn/paper/<code>): the sitting, saving every answer, the clock, handing in.
/*
 * Over the JSON API of views/learn.py. The overview before and after a sitting (facts,
 * attempts, the review) is paper-overview.js; the answer controls are answers.js.
 *
 * The server decides time and keeps every answer: each change is saved at once
 * (one request at a time, retried until acknowledged), and also kept in
 * localStorage until acknowledged, so a reload or a dead network loses nothing.
 * Each question's edits carry a growing `revision` and this page's `client` id; the
 * server ignores a save of this page that is not newer than what it stored from it, and
 * stores a save of another page (a second phone, or this one after a reload) as newer. When the countdown reaches zero the
 * page asks the server, which closes the attempt with what was saved.
 */
(function () {
  "use strict";

  var Live = window.Live;
  var Answers = window.Answers;
  var Overview = window.PaperOverview;
  var h = Live.h;
  var body = document.body;
  var api = body.getAttribute("data-api");
  var code = body.getAttribute("data-code");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var $ = function (id) {
    return document.getElementById(id);
  };

  // the server's grace after the deadline (rendered into the page by views/learn.py); without it
  // the page would just ask again until the server has closed the attempt
  var GRACE_MS = Number(body.getAttribute("data-grace-ms")) || 0;
  var CLIENT = Live.uuid(); // this page load: the server orders its saves by `revision`

  var state = null; // the last state from the server
  var paper = null; // the open attempt: {number, deadline, items}
  var answers = {}; // position -> {response, revision, saved}
  var current = 1; // the question shown (single layout)
  var sending = false;
  var retryMs = 1000;
  var whenSaved = null; // 交卷 tapped while answers were still on their way: ask once they are saved
  var timeUpAsked = false;
  var countdown = new Live.Countdown(tick);

  // --- talking to the server ---------------------------------------------------------------

  function call(method, path, payload) {
    var options = {
      method: method,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrf },
    };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(api + path, options).then(function (response) {
      return response.json().then(
        function (data) {
          if (response.status === 401) {
            window.location.reload(); // signed out: the page sends the phone to sign in
          }
          return data;
        },
        function () {
          return { ok: false, error: { code: "http_" + response.status, message: "页面已过期，请刷新后重试" } };
        }
      );
    });
  }

  function load() {
    return call("GET", "").then(show, offline);
  }

  function show(data) {
    if (!data.ok) {
      return Overview.message(data.error.message);
    }
    net(""); // the server answered: any "network down" notice is over
    Live.clock.sync(data.now);
    state = data;
    if (data.current) {
      openPaper(data.current);
    } else {
      paper = null;
      countdown.stop();
      Overview.show(state);
    }
  }

  function offline() {
    net("网络中断，正在重试……");
    window.setTimeout(load, 3000);
  }

  function net(text) {
    $("net").textContent = text || "";
    $("net").hidden = !text;
  }

  // --- answers kept on the phone until the server has them ------------------------------------

  function storeKey() {
    return "quizengine.paper." + code + "." + paper.number;
  }

  function keepLocally() {
    try {
      var pending = {};
      Object.keys(answers).forEach(function (pos) {
        if (!answers[pos].saved) {
          pending[pos] = answers[pos];
        }
      });
      window.localStorage.setItem(storeKey(), JSON.stringify(pending));
    } catch (e) {
      /* private mode: the server copy is all there is */
    }
  }

  function restoreLocal() {
    try {
      var pending = JSON.parse(window.localStorage.getItem(storeKey()) || "{}");
      Object.keys(pending).forEach(function (pos) {
        var mine = pending[pos];
        if (answers[pos] && mine.revision > answers[pos].revision) {
          answers[pos] = { response: mine.response, revision: mine.revision, saved: false };
        }
      });
    } catch (e) {
      /* nothing kept */
    }
  }

  function change(position, response) {
    var a = answers[position];
    answers[position] = { response: response, revision: a.revision + 1, saved: false };
    keepLocally();
    renderNavigator();
    flush();
  }

  function unsaved() {
    return Object.keys(answers).filter(function (pos) {
      return !answers[pos].saved;
    });
  }

  /** Send the oldest unsaved answer; one request at a time, retried with back-off. */
  function flush() {
    if (sending || !paper) {
      return;
    }
    var waiting = unsaved();
    renderSaveState();
    if (!waiting.length) {
      var next = whenSaved;
      whenSaved = null;
      if (next) {
        next();
      }
      return;
    }
    var position = Number(waiting[0]);
    var sent = answers[position];
    sending = true;
    var body = { position: position, response: sent.response, revision: sent.revision, client: CLIENT };
    call("POST", "/save", body).then(
      function (ack) {
        sending = false;
        retryMs = 1000;
        net("");
        if (ack.ok) {
          var mine = answers[position];
          if (ack.client !== CLIENT) {
            // the server holds another page's edit and ignored this one: show what it has
            return load();
          }
          if (mine && ack.revision >= mine.revision) {
            mine.saved = true; // else a newer edit of this page waits and goes next
            keepLocally();
          }
          renderNavigator();
          flush();
        } else if (ack.error.code === "time_up" || ack.error.code === "attempt_closed" || ack.error.code === "no_attempt") {
          whenSaved = null;
          load();
        } else {
          answers[position].saved = true; // refused for good (e.g. malformed): do not retry forever
          keepLocally();
          whenSaved = null; // the person reads the refusal before handing in
          renderNavigator();
          flush(); // the other answers still go
          renderSaveState(ack.error.message);
        }
      },
      function () {
        sending = false;
        whenSaved = null; // no surprise dialog when the network comes back
        net("网络中断：答案已暂存在本机，恢复后自动上传");
        window.setTimeout(flush, retryMs);
        retryMs = Math.min(retryMs * 2, 10000);
        renderSaveState();
      }
    );
  }

  // --- the open paper ------------------------------------------------------------------------

  function openPaper(data) {
    var fresh = !paper || paper.number !== data.number;
    paper = data;
    var known = answers;
    answers = {};
    data.items.forEach(function (item) {
      var mine = !fresh && known[item.position];
      if (mine && !mine.saved && mine.revision > item.revision) {
        answers[item.position] = mine;
      } else {
        answers[item.position] = { response: item.response, revision: item.revision, saved: true };
      }
    });
    restoreLocal();
    if (fresh) {
      current = firstUnanswered() || 1;
    }
    timeUpAsked = false;
    Live.showOnly([$("overview"), $("sitting")], $("sitting"));
    countdown.start(data.deadline, false);
    renderItems();
    flush();
  }

  function firstUnanswered() {
    var item = paper.items.filter(function (it) {
      return !answered(it.position);
    })[0];
    return item ? item.position : null;
  }

  function answered(position) {
    return Answers.given(answers[position] && answers[position].response);
  }

  function tick(ms) {
    var node = $("timer");
    var s = Live.seconds(ms);
    node.textContent = "剩余 " + Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
    node.classList.toggle("urgent", s <= 60);
    if (paper && ms <= 0 && !timeUpAsked && countdown.state() === "running") {
      timeUpAsked = true;
      renderSaveState("作答时间已到，正在收卷……");
      window.setTimeout(load, GRACE_MS + 500);
    }
  }

  function layout() {
    return state.contest.layout;
  }

  function renderItems() {
    var items = paper.items.filter(function (item) {
      return layout() === "scroll" || item.position === current;
    });
    Live.fill(
      $("items"),
      items.map(function (item) {
        return renderItem(item);
      })
    );
    $("pager").hidden = layout() === "scroll";
    $("prev").disabled = current <= 1;
    $("next").disabled = current >= paper.items.length;
    renderNavigator();
  }

  function renderItem(item) {
    var position = item.position;
    var controls = Answers.controls(item, {
      response: answers[position].response,
      letters: true, // the options are shuffled: A, B, C… as they stand
      label: "第" + position + "题答案",
      onChange: function (response) {
        choose(item, response);
      },
    });
    return h("article", { className: "paper-item", attrs: { id: "q" + position } }, [
      h("p", { className: "q-meta" }, [
        h("strong", { text: "第 " + position + " 题 " }),
        item.section + " · " + item.kind_label + " · " + item.points + " 分",
        item.kind === "multiple" ? "（可多选）" : "",
      ]),
      h("p", { className: "stem", text: item.stem }),
      h("div", { className: item.kind === "fill" ? "fill" : "options" }, controls),
    ]);
  }

  /** Keep a changed answer; a tapped option redraws its question (a typed one is on screen already). */
  function choose(item, response) {
    change(item.position, response);
    if (item.kind === "fill") {
      return;
    }
    if (layout() === "scroll") {
      var node = $("q" + item.position);
      node.parentNode.replaceChild(renderItem(item), node);
    } else {
      renderItems();
    }
  }

  function renderNavigator() {
    if (!paper) {
      return;
    }
    var done = paper.items.filter(function (item) {
      return answered(item.position);
    }).length;
    $("progress").textContent = "已答 " + done + " / " + paper.items.length;
    Live.fill(
      $("navigator"),
      paper.items.map(function (item) {
        var p = item.position;
        var cls = "nav-cell" + (answered(p) ? " answered" : " unanswered") + (answers[p].saved ? "" : " unsaved");
        if (layout() === "single" && p === current) {
          cls += " current";
        }
        return h("button", {
          className: cls,
          text: String(p),
          attrs: { type: "button", "aria-label": "第" + p + "题" + (answered(p) ? "（已答）" : "（未答）") },
          on: {
            click: function () {
              go(p);
            },
          },
        });
      })
    );
    renderSaveState();
  }

  function renderSaveState(message) {
    var node = $("save-state");
    if (message) {
      node.textContent = message;
      return;
    }
    var waiting = unsaved().length;
    node.textContent = waiting ? "正在保存 " + waiting + " 题……" : "答案已保存到服务器";
    node.classList.toggle("pending", waiting > 0);
  }

  function go(position) {
    if (layout() === "scroll") {
      var node = $("q" + position);
      if (node) {
        node.scrollIntoView({ block: "start" });
      }
      return;
    }
    current = Math.max(1, Math.min(position, paper.items.length));
    renderItems();
    window.scrollTo(0, 0);
  }

  // --- submitting ----------------------------------------------------------------------------

  /** The in-page dialog: 确定 runs onYes; a notice (only 确定) just closes. */
  function ask(text, onYes, notice) {
    $("confirm-text").textContent = text;
    $("confirm-no").hidden = Boolean(notice);
    $("confirm").hidden = false;
    $("confirm-yes").onclick = function () {
      $("confirm").hidden = true;
      onYes();
    };
    $("confirm-no").onclick = function () {
      $("confirm").hidden = true;
    };
  }

  function submit() {
    if (unsaved().length) {
      if (retryMs > 1000) {
        // the last upload failed: the network is down. Say so in the dialog, where the person
        // looks (the status line may be scrolled out of view); a message there is overwritten
        // by the next retry at once.
        var notice = "还有 " + unsaved().length + " 题的答案没有上传到服务器（网络中断），已暂存在本机。";
        ask(notice + "请等网络恢复、答案上传后再交卷。", function () {}, true);
      } else {
        // still on their way (a fill-in answer is committed by the very tap on 交卷): ask once saved
        whenSaved = submit;
      }
      flush();
      return;
    }
    var missing = paper.items.length - paper.items.filter(function (item) {
      return answered(item.position);
    }).length;
    var text = missing ? "还有 " + missing + " 题未作答，交卷后不能修改。确定交卷吗？" : "交卷后不能修改。确定交卷吗？";
    ask(text, function () {
      $("submit").disabled = true;
      call("POST", "/submit", {}).then(
        function (data) {
          $("submit").disabled = false;
          if (!data.ok && (data.error.code === "time_up" || data.error.code === "attempt_closed")) {
            return load();
          }
          show(data);
        },
        function () {
          $("submit").disabled = false;
          renderSaveState("网络中断，交卷没有送达，请稍后再试");
        }
      );
    });
  }

  // --- before and after (paper-overview.js draws them) ----------------------------------------

  function start() {
    ask("开始后计时 " + state.contest.time_limit + " 分钟，不能暂停；每个答案都会立即保存。现在开始吗？", function () {
      $("start").disabled = true;
      call("POST", "/start", {}).then(
        function (data) {
          $("start").disabled = false;
          show(data);
        },
        function () {
          $("start").disabled = false;
          offline();
        }
      );
    });
  }

  $("start").addEventListener("click", start);
  $("submit").addEventListener("click", submit);
  $("prev").addEventListener("click", function () {
    go(current - 1);
  });
  $("next").addEventListener("click", function () {
    go(current + 1);
  });
  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      load(); // a phone waking up re-reads the server's time and state
    }
  });
  load();
})();
