/*
 * The self-paced paper on the phone (/learn/paper/<code>), over the JSON API of views/learn.py.
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
  var h = Live.h;
  var body = document.body;
  var api = body.getAttribute("data-api");
  var code = body.getAttribute("data-code");
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var $ = function (id) {
    return document.getElementById(id);
  };

  var WINDOW = { before: "尚未开始", open: "开放中", closed: "已截止" };
  var CLOSED_BY = { submit: "已交卷", timeout: "时间到自动交卷", finish: "组织者结束考试时收卷" };
  var LETTERS = "ABCDEFGHIJ";
  var GRACE_MS = 1500;
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
      return showMessage(data.error.message);
    }
    net(""); // the server answered: any "network down" notice is over
    Live.clock.sync(data.now);
    state = data;
    if (data.current) {
      openPaper(data.current);
    } else {
      paper = null;
      countdown.stop();
      showOverview();
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
    var r = answers[position] && answers[position].response;
    return r !== null && r !== undefined && r !== "" && !(Array.isArray(r) && r.length === 0);
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

  function displayKeys(item) {
    var keys = {};
    item.options.forEach(function (opt, i) {
      keys[opt[0]] = LETTERS.charAt(i);
    });
    return keys;
  }

  function renderItem(item) {
    var position = item.position;
    var response = answers[position].response;
    var controls;
    if (item.kind === "fill") {
      var input = h("input", {
        className: "fill-input",
        attrs: { maxlength: "200", autocomplete: "off", placeholder: "填写答案", "aria-label": "第" + position + "题答案" },
      });
      input.value = typeof response === "string" ? response : "";
      var timer = null;
      var commit = function () {
        window.clearTimeout(timer);
        var value = input.value.trim();
        if (value !== (answers[position].response || "")) {
          change(position, value || null);
        }
      };
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(commit, 800);
      });
      input.addEventListener("change", commit);
      controls = h("div", { className: "fill" }, [input]);
    } else {
      var options =
        item.kind === "judge"
          ? [
              [true, "正确", "√"],
              [false, "错误", "×"],
            ]
          : item.options.map(function (opt, i) {
              return [opt[0], opt[1], LETTERS.charAt(i)];
            });
      controls = h(
        "div",
        { className: "options" },
        options.map(function (opt) {
          var chosen = item.kind === "multiple" ? Array.isArray(response) && response.indexOf(opt[0]) >= 0 : response === opt[0];
          return h(
            "button",
            {
              className: "option" + (chosen ? " chosen" : ""),
              attrs: { type: "button", "aria-pressed": chosen ? "true" : "false" },
              on: {
                click: function () {
                  choose(item, opt[0]);
                },
              },
            },
            [h("span", { className: "key", text: opt[2] }), h("span", { className: "text", text: opt[1] })]
          );
        })
      );
    }
    return h("article", { className: "paper-item", attrs: { id: "q" + position } }, [
      h("p", { className: "q-meta" }, [
        h("strong", { text: "第 " + position + " 题 " }),
        item.section + " · " + item.kind_label + " · " + item.points + " 分",
        item.kind === "multiple" ? "（可多选）" : "",
      ]),
      h("p", { className: "stem", text: item.stem }),
      controls,
    ]);
  }

  function choose(item, key) {
    var response = key;
    if (item.kind === "multiple") {
      var now = Array.isArray(answers[item.position].response) ? answers[item.position].response.slice() : [];
      var at = now.indexOf(key);
      if (at >= 0) {
        now.splice(at, 1);
      } else {
        now.push(key);
      }
      now.sort();
      response = now.length ? now : null;
    } else if (answers[item.position].response === key) {
      return;
    }
    change(item.position, response);
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

  // --- before and after --------------------------------------------------------------------------


  function showOverview() {
    var c = state.contest;
    Live.showOnly([$("overview"), $("sitting")], $("overview"));
    var facts = [
      ["开放时间", c.opens_text + " — " + c.closes_text + "（" + WINDOW[c.window] + "）"],
      ["个人限时", c.time_limit + " 分钟，开始后不能暂停"],
      ["试卷结构", c.sections.map(function (s) {
        return s.title + " " + s.count + " 题" + (s.points ? " × " + s.points + " 分" : "");
      }).join("；")],
      ["作答次数", c.attempts + " 次" + (c.attempts > 1 ? (c.counting === "best" ? "，取最好成绩" : "，以最后一次为准") : "")],
      ["成绩公布", c.results === "after_submit" ? "交卷后立即显示" : "截止后公布"],
    ];
    Live.fill(
      $("facts"),
      [].concat.apply(
        [],
        facts.map(function (f) {
          return [h("dt", { text: f[0] }), h("dd", { text: f[1] })];
        })
      )
    );
    Live.fill(
      $("attempts"),
      state.attempts.map(function (a) {
        var text = "第 " + a.number + " 次：" + (CLOSED_BY[a.closed_by] || "作答中") + "，答了 " + a.answered + " / " + a.total + " 题";
        if (a.points !== undefined) {
          text += "，得 " + a.points + " / " + a.max_points + " 分";
        }
        return h("li", { text: text });
      })
    );
    var status = "";
    var canStart = c.window === "open" && state.attempts_left > 0;
    // a handed-in attempt whose marks are withheld until the close (results: after_close)
    var withheld = state.attempts.some(function (a) {
      return a.closed_at && a.points === undefined;
    });
    var later = "已交卷，成绩将于 " + c.closes_text + " 截止后公布";
    if (c.window === "before") {
      status = "考试将于 " + c.opens_text + " 开始";
    } else if (c.window === "closed") {
      status = "考试已截止";
    } else if (!state.attempts_left) {
      status = withheld ? later : "作答次数已用完";
    } else if (state.attempts.length) {
      status = (withheld ? later + "；" : "") + "还可以作答 " + state.attempts_left + " 次";
    }
    $("ov-status").textContent = status;
    $("ov-status").classList.remove("error");
    $("start").hidden = !canStart;
    $("start").textContent = state.attempts.length ? "再次作答" : "开始作答";
    renderReview(state.review);
  }

  function renderReview(review) {
    $("review").hidden = !review;
    if (!review) {
      return;
    }
    $("review-title").textContent = "第 " + review.number + " 次作答成绩";
    $("review-summary").textContent =
      "得分 " + review.points + " / " + review.max_points + " · 答对 " + review.correct + " 题 · 作答 " + review.answered + " / " + review.items.length + " 题";
    Live.fill(
      $("review-items"),
      review.items.map(function (item) {
        var keys = displayKeys(item);
        var mark = item.response === null ? "未作答" : item.correct ? "正确" : item.earned > 0 ? "部分正确" : "错误";
        var shown = function (answer) {
          if (item.kind === "judge" || item.kind === "fill") {
            return Live.answerText(item.kind, answer, []);
          }
          return Live.answerKeys(answer)
            .map(function (k) {
              return keys[k] || k;
            })
            .sort()
            .join("、");
        };
        var options = item.options.map(function (opt) {
          var right = item.answer.indexOf(opt[0]) >= 0;
          var mine = Live.answerKeys(item.response).indexOf(opt[0]) >= 0;
          return h("li", { className: "option" + (right ? " right" : mine ? " wrong" : "") }, [
            h("span", { className: "key", text: keys[opt[0]] }),
            h("span", { className: "text", text: opt[1] }),
            h("span", { className: "mark", text: mine ? "你的选择" : "" }),
          ]);
        });
        return h("article", { className: "paper-item review-item " + (item.correct ? "good" : "bad") }, [
          h("p", { className: "q-meta" }, [
            h("strong", { text: "第 " + item.position + " 题 " }),
            item.kind_label + " · " + mark + " · " + item.earned + " / " + item.points + " 分",
          ]),
          h("p", { className: "stem small", text: item.stem }),
          options.length ? h("ul", { className: "options review" }, options) : null,
          h("dl", { className: "details" }, [
            h("dt", { text: "你的答案" }),
            h("dd", { text: item.response === null ? "（未作答）" : shown(item.response) }),
            h("dt", { text: "正确答案" }),
            h("dd", { text: shown(item.answer) }),
            item.explanation ? h("dt", { text: "解析" }) : null,
            item.explanation ? h("dd", { text: item.explanation }) : null,
            item.source ? h("dt", { text: "政策出处" }) : null,
            item.source ? h("dd", { text: item.source }) : null,
          ]),
        ]);
      })
    );
  }

  function showMessage(text) {
    Live.showOnly([$("overview"), $("sitting")], $("overview"));
    $("ov-status").textContent = text;
    $("ov-status").classList.add("error");
  }

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
