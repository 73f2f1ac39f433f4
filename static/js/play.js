/*
 * The phone page (/play/<code>): join, answer, buzz, stake and see one's results.
 * Protocol: docs/protocol.md, namespace /play.
 *
 * - The join token is kept in localStorage (one key per contest code); on every
 *   (re)connect the phone sends `resume` and redraws from the `state` snapshot.
 * - An answer is re-sent every 1.5 s with the same idempotency key until it is
 *   acknowledged or the question closes.
 */
(function () {
  "use strict";

  var L = window.Live;
  var h = L.h;
  var RETRY_MS = 1500;

  var code = document.body.dataset.code || "";
  var TOKEN_KEY = "quizengine.token." + code;
  var MEMO_KEY = "quizengine.memo." + code;

  function $(id) {
    return document.getElementById(id);
  }

  // --- storage (private browsing may refuse it) ------------------------------------------

  function load(key) {
    try {
      return window.localStorage.getItem(key);
    } catch (e) {
      return null;
    }
  }

  function store(key, value) {
    try {
      if (value === null) {
        window.localStorage.removeItem(key);
      } else {
        window.localStorage.setItem(key, value);
      }
    } catch (e) {
      /* the page still works for this visit */
    }
  }

  function loadMemo() {
    try {
      var memo = JSON.parse(load(MEMO_KEY) || "{}");
      return {
        answers: memo.answers || {},
        stakes: memo.stakes || {},
        buzz: memo.buzz || {},
      };
    } catch (e) {
      return { answers: {}, stakes: {}, buzz: {} };
    }
  }

  function saveMemo() {
    store(MEMO_KEY, JSON.stringify(memo));
  }

  // --- state -----------------------------------------------------------------------------------

  var memo = loadMemo(); // what this phone chose: answers, stakes, buzzer wins (by round question id)
  var st = {
    token: load(TOKEN_KEY),
    entered: false, // this socket has joined or resumed
    player: null,
    you: null,
    status: null,
    phase: null,
    question: null,
    answered: false,
    closed: false,
    paused: false,
    selection: [],
    pending: null, // {rqid, response, key, acked, timer}
    answerError: "",
    upcoming: null,
    upcomingMessage: "",
    reveal: null,
    result: null,
    leaderboard: null,
    podium: null,
    buzz: null, // {rqid, winner, mine, message}
    opened: {}, // round question ids this phone has seen open
  };

  var screens = ["join", "wait", "question", "reveal", "standings", "finished", "kicked"].map($);

  function show(id) {
    L.showOnly(screens, $(id));
    renderUpcoming();
  }

  var countdown = new L.Countdown(function (ms, state) {
    var timer = $("q-timer");
    var secs = L.seconds(ms);
    timer.classList.toggle("urgent", state === "running" && secs <= 5);
    timer.classList.toggle("paused", state === "paused");
    if (state === "paused") {
      timer.textContent = "暂停 " + secs + " 秒";
    } else if (state === "stopped" || st.closed) {
      timer.textContent = "已截止";
    } else if (secs <= 0) {
      timer.textContent = "时间到";
    } else {
      timer.textContent = "剩余 " + secs + " 秒";
    }
  });

  // --- the socket ------------------------------------------------------------------------------

  var socket = window.io("/play");

  function setConn(text) {
    var conn = $("conn");
    conn.textContent = text || "";
    conn.hidden = !text;
  }

  var joinWhenConnected = null; // the join tapped while the connection was still coming up

  socket.on("connect", function () {
    setConn("");
    st.entered = false;
    if (st.token) {
      resume();
    } else if (!st.player) {
      show("join");
      if (joinWhenConnected) {
        joinWhenConnected();
      }
    }
  });

  socket.on("disconnect", function () {
    st.entered = false;
    setConn("网络已断开，正在重新连接……");
  });

  socket.on("connect_error", function () {
    st.entered = false;
    setConn("暂时连不上服务器，正在重试……");
  });

  /**
   * Resume with the stored token. On a (re)connect the snapshot redraws everything; a
   * `refresh` (already connected, following every event) only takes the next question's
   * round from it, since a snapshot taken just before a host action can arrive after it.
   */
  function resume(refresh) {
    var token = st.token;
    L.request(socket, "resume", { token: token }, function (ack) {
      if (token !== st.token) {
        return; // kicked or re-joined meanwhile
      }
      if (ack && ack.ok) {
        if (refresh && st.entered) {
          takeUpcoming(ack.state);
        } else {
          entered(ack);
        }
        return;
      }
      var error = (ack && ack.error) || {};
      if (error.code === "kicked") {
        kicked(error.message);
      } else if (error.code === "invalid_token") {
        forget();
        showJoin(error.message);
      } else if (!refresh) {
        // No answer (timeout) or a passing refusal: try again while connected.
        window.setTimeout(function () {
          if (socket.connected && !st.entered && st.token) {
            resume();
          }
        }, 2000);
      }
    });
  }

  function takeUpcoming(s) {
    var up = s && s.upcoming;
    if (up && st.opened[up.round_question_id]) {
      return; // that question has opened since the snapshot was taken
    }
    st.upcoming = up || null;
    renderUpcoming();
  }

  function entered(ack) {
    st.entered = true;
    if (ack.token) {
      st.token = ack.token;
      store(TOKEN_KEY, ack.token);
    }
    st.player = ack.player || st.player;
    applyState(ack.state);
    resendPending();
  }

  function forget() {
    st.token = null;
    st.player = null;
    st.entered = false;
    store(TOKEN_KEY, null);
    renderMe();
  }

  // --- joining ---------------------------------------------------------------------------------

  function showJoin(message) {
    $("join-error").textContent = message || "";
    show("join");
  }

  $("join-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var staffId = form.elements.staff_id.value.trim();
    var name = form.elements.name.value.trim();
    var button = form.querySelector("button");
    if (!staffId || !name) {
      $("join-error").textContent = "请填写工号和姓名";
      return;
    }
    if (!socket.connected) {
      // a tap before the connection is up (a slow hall Wi-Fi): join as soon as it is
      $("join-error").textContent = "正在连接服务器，连上后自动加入……";
      joinWhenConnected = function () {
        form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
      };
      return;
    }
    joinWhenConnected = null;
    button.disabled = true;
    $("join-error").textContent = "";
    var payload = { code: code, staff_id: staffId, name: name };
    if (st.token) {
      payload.token = st.token;
    }
    L.request(socket, "join", payload, function (ack) {
      button.disabled = false;
      if (ack && ack.ok) {
        entered(ack);
      } else {
        var error = (ack && ack.error) || {};
        if (error.code === "kicked") {
          kicked(error.message);
        } else {
          $("join-error").textContent = error.message || "加入失败，请重试";
        }
      }
    });
  });

  // --- the state snapshot ---------------------------------------------------------------------

  function applyState(s) {
    if (!s) {
      return;
    }
    L.clock.sync(s.server_now);
    st.status = s.contest && s.contest.status;
    st.phase = s.contest && s.contest.phase;
    if (s.you) {
      st.you = s.you;
    }
    st.upcoming = s.upcoming || null;
    st.paused = !!s.paused;
    var q = s.question;
    if (q && (!st.question || st.question.round_question_id !== q.round_question_id)) {
      newQuestion(q);
    } else if (q) {
      st.question = q;
    }
    renderMe();
    switch (st.phase) {
      case "question":
        st.closed = false;
        st.answered = !!s.answered || !!(st.pending && st.pending.rqid === q.round_question_id);
        if (s.answered && st.pending && st.pending.rqid === q.round_question_id) {
          st.pending.acked = true;
          stopRetry();
        }
        countdown.start(q.closes_at, st.paused, s.paused_at || s.server_now);
        renderQuestion();
        show("question");
        break;
      case "closed":
        st.closed = true;
        st.answered = !!s.answered;
        stopRetry();
        countdown.stop();
        renderQuestion();
        show("question");
        break;
      case "reveal":
        st.closed = true;
        stopRetry();
        countdown.stop();
        st.reveal = s.reveal;
        if (s.reveal && s.reveal.you) {
          st.result = s.reveal.you;
        }
        renderReveal();
        show("reveal");
        break;
      case "leaderboard":
        st.leaderboard = s.leaderboard || st.leaderboard;
        renderStandings();
        show("standings");
        break;
      case "finished":
        st.leaderboard = s.leaderboard || st.leaderboard;
        renderFinished();
        show("finished");
        break;
      default:
        renderWait();
        show("wait");
    }
  }

  function newQuestion(q) {
    if (st.pending && st.pending.rqid !== q.round_question_id) {
      stopRetry();
      st.pending = null;
    }
    st.question = q;
    st.opened[q.round_question_id] = true;
    st.answered = false;
    st.closed = false;
    st.selection = [];
    st.answerError = "";
    st.reveal = null;
    st.result = null;
    st.buzz = { rqid: q.round_question_id, winner: null, mine: !!memo.buzz[q.round_question_id], message: "" };
    st.upcomingMessage = "";
  }

  // --- server events ---------------------------------------------------------------------------

  socket.on("state", function (s) {
    if (st.entered) {
      applyState(s);
    }
  });

  socket.on("question", function (q) {
    if (!st.entered) {
      return;
    }
    L.clock.sync(q.server_now);
    newQuestion(q);
    st.phase = "question";
    st.paused = false;
    if (st.upcoming && st.upcoming.round_question_id === q.round_question_id) {
      st.upcoming = null;
    }
    countdown.start(q.closes_at, false);
    renderQuestion();
    show("question");
  });

  socket.on("paused", function (m) {
    L.clock.sync(m.server_now);
    if (!isCurrent(m)) {
      return;
    }
    st.paused = true;
    if (m.closes_at) {
      countdown.closesAt = L.clock.parse(m.closes_at);
    }
    countdown.pause(m.paused_at || m.server_now);
    renderQuestion();
  });

  socket.on("resumed", function (m) {
    L.clock.sync(m.server_now);
    if (!isCurrent(m)) {
      return;
    }
    st.paused = false;
    countdown.resume(m.closes_at);
    renderQuestion();
  });

  socket.on("closed", function (m) {
    L.clock.sync(m.server_now);
    if (!isCurrent(m)) {
      return;
    }
    st.phase = "closed";
    st.closed = true;
    stopRetry();
    countdown.stop();
    renderQuestion();
    show("question");
    takeUpcoming(m);
  });

  socket.on("buzzed", function (m) {
    if (!st.buzz || !st.question) {
      return;
    }
    st.buzz.winner = { name: m.name, center: m.center };
    renderQuestion();
  });

  socket.on("reveal", function (r) {
    if (!st.entered || !isCurrent(r)) {
      return;
    }
    st.phase = "reveal";
    st.closed = true;
    stopRetry();
    countdown.stop();
    st.reveal = r;
    renderReveal();
    show("reveal");
    takeUpcoming(r);
  });

  socket.on("result", function (m) {
    if (!isCurrent(m)) {
      return;
    }
    st.result = m.you;
    if (m.you) {
      st.you = {
        score: m.you.score,
        correct_total: m.you.correct_total,
        rank: m.you.rank,
        center_rank: m.you.center_rank,
      };
    }
    renderMe();
    if (st.phase === "reveal") {
      renderReveal();
    }
  });

  socket.on("leaderboard", function (board) {
    if (!st.entered) {
      return;
    }
    st.phase = "leaderboard";
    st.leaderboard = board;
    renderStandings();
    show("standings");
  });

  socket.on("finished", function (m) {
    if (!st.entered) {
      return;
    }
    st.phase = "finished";
    st.status = "finished";
    st.podium = m.podium;
    st.leaderboard = null;
    st.upcoming = null;
    if (m.you) {
      st.you = m.you; // the server sends each phone its own final total and ranks
    }
    renderFinished();
    show("finished");
  });

  socket.on("kicked", function (m) {
    kicked((m && m.message) || "您已被主持人移出本场竞赛");
  });

  function isCurrent(m) {
    return !!(st.question && m && (m.round_question_id === undefined || m.round_question_id === st.question.round_question_id));
  }

  function kicked(message) {
    stopRetry();
    st.pending = null;
    forget();
    countdown.stop();
    $("kicked-text").textContent = message || "您已被主持人移出本场竞赛";
    st.upcoming = null;
    show("kicked");
  }

  // --- answering -------------------------------------------------------------------------------

  function canAnswer() {
    if (!st.question || st.answered || st.closed || st.paused || st.phase !== "question") {
      return false; // while the host pauses, answering waits too
    }
    if (st.question.round && st.question.round.kind === "buzzer") {
      return !!(st.buzz && st.buzz.mine);
    }
    return true;
  }

  function submit(response) {
    if (!canAnswer()) {
      return;
    }
    var rqid = st.question.round_question_id;
    st.answered = true;
    st.answerError = "";
    memo.answers[rqid] = response;
    saveMemo();
    stopRetry();
    st.pending = { rqid: rqid, response: response, key: L.uuid(), acked: false, timer: null };
    st.pending.timer = window.setInterval(sendPending, RETRY_MS);
    sendPending();
    renderQuestion();
  }

  function sendPending() {
    var p = st.pending;
    if (!p || p.acked) {
      stopRetry();
      return;
    }
    if (!socket.connected || !st.entered) {
      return; // sent again on the next tick or right after the resume
    }
    socket.emit("answer", { round_question_id: p.rqid, response: p.response, key: p.key }, function (ack) {
      onAnswerAck(p, ack);
    });
  }

  function onAnswerAck(p, ack) {
    if (p !== st.pending || p.acked) {
      return;
    }
    if (ack && ack.ok) {
      p.acked = true;
      stopRetry();
      renderQuestion();
      return;
    }
    var error = (ack && ack.error) || {};
    if (error.code === "not_joined") {
      return; // a reconnect raced the resume; the retry goes out again
    }
    stopRetry();
    st.pending = null;
    st.answered = false;
    delete memo.answers[p.rqid];
    saveMemo();
    st.answerError = error.message || "提交失败";
    if (error.code === "late" || error.code === "not_current") {
      st.closed = true;
    } else if (error.code === "kicked") {
      kicked(error.message);
      return;
    }
    renderQuestion();
  }

  function stopRetry() {
    if (st.pending && st.pending.timer !== null) {
      window.clearInterval(st.pending.timer);
      st.pending.timer = null;
    }
  }

  function resendPending() {
    var p = st.pending;
    if (!p || p.acked || !st.question || p.rqid !== st.question.round_question_id || st.phase !== "question") {
      return;
    }
    stopRetry();
    p.timer = window.setInterval(sendPending, RETRY_MS);
    sendPending();
  }

  // --- buzzer and stakes ------------------------------------------------------------------

  function buzz(rqid, before) {
    L.request(socket, "buzz", { round_question_id: rqid }, function (ack) {
      var message;
      if (ack && ack.ok) {
        if (ack.first) {
          memo.buzz[rqid] = true;
          saveMemo();
          message = "您抢到了答题权，请作答！";
        } else {
          message = "慢了一步，其他选手已抢先。";
        }
        if (st.buzz && st.buzz.rqid === rqid) {
          st.buzz.mine = !!ack.first;
        }
      } else {
        message = (ack && ack.error && ack.error.message) || "抢答失败";
      }
      if (before) {
        st.upcomingMessage = message;
        renderUpcoming();
      } else if (st.buzz && st.buzz.rqid === rqid) {
        st.buzz.message = message;
        renderQuestion();
      }
    });
  }

  function stake(rqid, value) {
    L.request(socket, "stake", { round_question_id: rqid, stake: value }, function (ack) {
      if (ack && ack.ok) {
        memo.stakes[rqid] = ack.stake;
        saveMemo();
        st.upcomingMessage = "已选择本题分值 " + ack.stake + " 分";
      } else {
        st.upcomingMessage = (ack && ack.error && ack.error.message) || "选择失败";
      }
      renderUpcoming();
    });
  }

  // --- drawing ---------------------------------------------------------------------------------

  function renderMe() {
    var me = $("me");
    if (!st.player) {
      me.hidden = true;
      return;
    }
    me.hidden = false;
    $("me-name").textContent = st.player.name;
    $("me-center").textContent = st.player.center;
    $("me-score").textContent = "总分 " + L.score(st.you ? st.you.score : 0);
  }

  function renderWait() {
    var text = "您已加入，等待主持人出题……";
    if (st.status === "finished") {
      text = "竞赛已结束";
    } else if (st.status !== "open") {
      text = "竞赛尚未开放，请稍候……";
    }
    $("wait-text").textContent = text;
  }

  function roundKind(q) {
    return (q && q.round && q.round.kind) || "mandatory";
  }

  function questionMeta(q) {
    var parts = [];
    if (q.round && q.round.title) {
      parts.push(q.round.title);
    }
    parts.push(L.KINDS[q.kind] || q.kind);
    if (roundKind(q) === "risk") {
      var chosen = memo.stakes[q.round_question_id];
      parts.push(chosen ? "分值 " + chosen + " 分（答错扣分）" : "风险题（答错扣分）");
    } else if (q.points) {
      parts.push(q.points + " 分");
    }
    return parts.join(" · ");
  }

  function renderQuestion() {
    var q = st.question;
    if (!q) {
      return;
    }
    $("q-number").textContent = "第 " + q.number + " / " + q.total + " 题";
    $("q-meta").textContent = questionMeta(q);
    $("q-stem").textContent = q.stem;
    L.fill($("q-extra"), roundKind(q) === "buzzer" ? buzzerPanel(q) : []);
    L.fill($("q-options"), optionControls(q));
    var status = "";
    var statusClass = "status";
    if (st.answerError) {
      status = st.answerError;
      statusClass = "status error";
    } else if (st.closed) {
      status = st.answered ? "已提交 · 本题已结束，等待公布答案" : "本题已结束";
    } else if (st.answered) {
      var sending = st.pending && !st.pending.acked;
      status = sending ? "提交中……" : "已提交";
      statusClass = sending ? "status" : "status done";
    } else if (st.paused) {
      status = "主持人已暂停计时";
    }
    var line = $("q-status");
    line.className = statusClass;
    line.textContent = status;
  }

  function buzzerPanel(q) {
    var b = st.buzz || {};
    var children = [];
    if (b.mine) {
      children.push(h("p", { className: "buzz-note good", text: "您抢到了答题权，请作答！" }));
    } else if (b.winner) {
      children.push(
        h("p", { className: "buzz-note", text: b.winner.name + "（" + b.winner.center + "）抢到答题权" }),
      );
    } else {
      children.push(
        h("button", {
          className: "buzzer",
          text: "抢答",
          attrs: { type: "button" },
          on: {
            click: function (e) {
              e.currentTarget.disabled = true;
              buzz(q.round_question_id, false);
            },
          },
        }),
      );
      if (st.closed) {
        children[0].disabled = true;
      }
    }
    if (b.message && !b.mine) {
      children.push(h("p", { className: "buzz-note", text: b.message }));
    }
    return children;
  }

  function optionButton(key, label, chosen, onClick, disabled) {
    var button = h(
      "button",
      {
        className: "option" + (chosen ? " chosen" : ""),
        attrs: { type: "button", "aria-pressed": chosen ? "true" : "false" },
        data: { key: key },
        on: { click: onClick },
      },
      [h("span", { className: "key", text: key }), h("span", { className: "text", text: label })],
    );
    button.disabled = !!disabled;
    return button;
  }

  function optionControls(q) {
    var enabled = canAnswer();
    var mine = memo.answers[q.round_question_id];
    var kind = q.kind;
    if (kind === "judge") {
      return [
        [true, "正确", "✓"],
        [false, "错误", "✗"],
      ].map(function (item) {
        return optionButton(
          item[2],
          item[1],
          mine === item[0],
          function () {
            submit(item[0]);
          },
          !enabled,
        );
      });
    }
    if (kind === "fill") {
      var input = h("input", {
        className: "fill-input",
        attrs: { type: "text", maxlength: "200", placeholder: "在此填写答案", "aria-label": "答案" },
      });
      input.value = typeof mine === "string" ? mine : "";
      input.disabled = !enabled;
      var send = h("button", {
        className: "big",
        text: "提交",
        attrs: { type: "button" },
        on: {
          click: function () {
            var text = input.value.trim();
            if (text) {
              submit(text);
            }
          },
        },
      });
      send.disabled = !enabled;
      return [input, send];
    }
    var multiple = kind === "multiple";
    var chosen = multiple ? (Array.isArray(mine) ? mine : st.selection) : [mine];
    var buttons = (q.options || []).map(function (opt) {
      var key = String(opt[0]);
      return optionButton(
        key,
        opt[1],
        chosen.indexOf(key) >= 0,
        function () {
          if (multiple) {
            var at = st.selection.indexOf(key);
            if (at >= 0) {
              st.selection.splice(at, 1);
            } else {
              st.selection.push(key);
            }
            renderQuestion();
          } else {
            submit(key);
          }
        },
        !enabled,
      );
    });
    if (multiple) {
      var confirm = h("button", {
        className: "big",
        text: enabled && st.selection.length ? "提交（已选 " + st.selection.length + " 项）" : "提交",
        attrs: { type: "button" },
        on: {
          click: function () {
            if (st.selection.length) {
              submit(st.selection.slice().sort());
            }
          },
        },
      });
      confirm.disabled = !enabled || st.selection.length === 0;
      buttons.push(confirm);
    }
    return buttons;
  }

  function renderReveal() {
    var q = st.question;
    var r = st.reveal;
    if (!q || !r) {
      return;
    }
    var verdict = $("r-verdict");
    var result = st.result;
    if (!result) {
      verdict.className = "verdict";
      verdict.textContent = "正在统计成绩……";
    } else if (!result.answered) {
      verdict.className = "verdict none";
      verdict.textContent = "未作答";
    } else if (result.correct) {
      verdict.className = "verdict good";
      verdict.textContent = "回答正确";
    } else {
      verdict.className = "verdict bad";
      verdict.textContent = "回答错误";
    }
    $("r-stem").textContent = "第 " + q.number + " 题　" + q.stem;

    var right = L.answerKeys(r.answer).map(function (k) {
      return k.toUpperCase();
    });
    var mine = memo.answers[q.round_question_id];
    var mineKeys = mine === undefined ? [] : L.answerKeys(mine).map(function (k) {
      return k.toUpperCase();
    });
    var options = [];
    if (q.kind === "judge") {
      options = [
        ["TRUE", "正确", "✓"],
        ["FALSE", "错误", "✗"],
      ];
    } else if (q.kind !== "fill") {
      options = (q.options || []).map(function (o) {
        return [String(o[0]).toUpperCase(), o[1], String(o[0])];
      });
    }
    L.fill(
      $("r-options"),
      options.map(function (o) {
        var isRight = right.indexOf(o[0]) >= 0;
        var isMine = mineKeys.indexOf(o[0]) >= 0;
        var cls = "option static" + (isRight ? " right" : "") + (isMine && !isRight ? " wrong" : "") + (isMine ? " chosen" : "");
        var mark = isRight ? "正确答案" : isMine ? "您的选择" : "";
        return h("div", { className: cls }, [
          h("span", { className: "key", text: o[2] }),
          h("span", { className: "text", text: o[1] }),
          mark ? h("span", { className: "mark", text: mark }) : null,
        ]);
      }),
    );

    var details = [["正确答案", L.answerText(q.kind, r.answer, q.options)]];
    if (mine !== undefined) {
      details.push(["您的答案", L.answerText(q.kind, mine, q.options)]);
    }
    L.revealDetails($("r-details"), r, details);

    var figures = [];
    if (result) {
      var points = Number(result.points) || 0;
      figures = [
        ["本题得分", (points > 0 ? "+" : "") + L.score(points)],
        ["总分", L.score(result.score)],
        ["个人排名", rankText(result.rank)],
        ["中心排名", rankText(result.center_rank)],
      ];
    }
    L.fill($("r-figures"), figures.map(figure));
  }

  function rankText(rank) {
    return rank ? "第 " + rank + " 名" : "—";
  }

  function figure(pair) {
    return h("div", { className: "figure" }, [
      h("span", { className: "label", text: pair[0] }),
      h("strong", { className: "value", text: pair[1] }),
    ]);
  }

  function myFigures() {
    var you = st.you || {};
    return [
      ["总分", L.score(you.score || 0)],
      ["答对", (you.correct_total || 0) + " 题"],
      ["个人排名", rankText(you.rank)],
      ["中心排名", rankText(you.center_rank)],
    ].map(figure);
  }

  function personItem(p) {
    var isMe = st.player && p.player_id === st.player.id;
    return h("li", { className: isMe ? "me-row" : "" }, [
      h("span", { className: L.rankClass(p.rank), text: p.rank }),
      h("span", { className: "who" }, [
        h("span", { className: "name", text: p.name }),
        h("span", { className: "center", text: p.center }),
      ]),
      h("span", { className: "pts", text: L.score(p.score) + " 分" }),
    ]);
  }

  function centerItem(c) {
    return h("li", {}, [
      h("span", { className: L.rankClass(c.rank), text: c.rank }),
      h("span", { className: "who" }, [
        h("span", { className: "name", text: c.name }),
        h("span", { className: "center", text: "参与率 " + L.percent(c.participation) }),
      ]),
      h("span", { className: "pts", text: L.score(c.score) + " 分" }),
    ]);
  }

  function syncMineFromBoard(board) {
    if (!board || !st.player) {
      return;
    }
    (board.people || []).forEach(function (p) {
      if (p.player_id === st.player.id) {
        st.you = st.you || {};
        st.you.score = p.score;
        st.you.correct_total = p.correct;
        st.you.rank = p.rank;
      }
    });
    renderMe();
  }

  function renderStandings() {
    var board = st.leaderboard || { people: [], centers: [] };
    syncMineFromBoard(board);
    L.fill($("s-mine"), myFigures());
    L.fill($("s-people"), (board.people || []).slice(0, 10).map(personItem));
  }

  function renderFinished() {
    var podium = st.podium;
    if (!podium && st.leaderboard) {
      podium = { people: (st.leaderboard.people || []).slice(0, 3), centers: (st.leaderboard.centers || []).slice(0, 3) };
    }
    podium = podium || { people: [], centers: [] };
    syncMineFromBoard(st.leaderboard || podium);
    L.fill($("f-mine"), myFigures());
    L.fill($("f-people"), (podium.people || []).map(personItem));
    L.fill($("f-centers"), (podium.centers || []).map(centerItem));
  }

  function renderUpcoming() {
    var aside = $("upcoming");
    var up = st.upcoming;
    var between = ["lobby", "closed", "reveal", "leaderboard"].indexOf(st.phase) >= 0;
    var kind = up && up.round && up.round.kind;
    if (!st.entered || !up || !between || st.status !== "open" || (kind !== "risk" && kind !== "buzzer")) {
      aside.hidden = true;
      L.fill(aside, []);
      return;
    }
    var rqid = up.round_question_id;
    var children = [h("h2", { text: "下一题：" + (up.round.title || L.ROUND_KINDS[kind]) })];
    if (kind === "risk") {
      var chosen = memo.stakes[rqid];
      children.push(h("p", { text: "风险题：请在题目出现前选择本题分值，答对加分，答错扣分。" }));
      children.push(
        h(
          "div",
          { className: "stakes" },
          (up.round.stakes || []).map(function (value) {
            return h("button", {
              className: "stake" + (chosen === value ? " chosen" : ""),
              text: value + " 分",
              attrs: { type: "button", "aria-pressed": chosen === value ? "true" : "false" },
              on: {
                click: function () {
                  stake(rqid, value);
                },
              },
            });
          }),
        ),
      );
    } else {
      children.push(h("p", { text: "抢答题：题目出现后，第一个按下“抢答”的选手获得答题权。提前按下记为抢答过早。" }));
      children.push(
        h("button", {
          className: "buzzer",
          text: "抢答",
          attrs: { type: "button" },
          on: {
            click: function () {
              buzz(rqid, true);
            },
          },
        }),
      );
    }
    if (st.upcomingMessage) {
      children.push(h("p", { className: "status", text: st.upcomingMessage }));
    }
    L.fill(aside, children);
    aside.hidden = false;
  }

  // --- first paint ---------------------------------------------------------------------------

  if (st.token) {
    $("wait-text").textContent = "正在恢复您的参赛状态……";
    show("wait");
  } else {
    show("join");
  }
})();
