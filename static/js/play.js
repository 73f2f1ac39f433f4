// play.js — the phone page (/play/<code>): its state, the connection, joining and resuming, and the server's events.
/*
 * Protocol: docs/protocol.md, namespace /play. What the phone sends and keeps is
 * play-send.js, what it draws play-screens.js; both work on the state kept here.
 *
 * - The join token is kept in localStorage (one key per contest code); on every
 *   (re)connect the phone sends `resume` and redraws from the `state` snapshot.
 * - An answer is re-sent until it is acknowledged or the question closes (play-send.js).
 */
(function () {
  "use strict";

  var L = window.Live;

  function $(id) {
    return document.getElementById(id);
  }

  var app = { code: document.body.dataset.code || "" };
  var send = window.PlaySend(app);
  var memo = send.memo;

  // --- state -----------------------------------------------------------------------------------

  var st = {
    token: send.token(),
    entered: false, // this socket has joined or resumed
    player: null,
    you: null,
    status: null,
    phase: null,
    question: null,
    answered: false,
    closed: false,
    paused: false,
    selection: [], // the multiple-choice selection being made (answers.js format)
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
  app.st = st;
  app.memo = memo;
  app.send = send;
  app.kicked = kicked;

  var screens = window.PlayScreens(app);
  app.screens = screens;
  var show = screens.show;

  var countdown = new L.Countdown(screens.tick);

  // --- the socket ------------------------------------------------------------------------------

  var socket = window.io("/play");
  app.socket = socket;

  var joinWhenConnected = null; // the join tapped while the connection was still coming up

  socket.on("connect", function () {
    screens.setConn("");
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
    screens.setConn("网络已断开，正在重新连接……");
  });

  socket.on("connect_error", function () {
    st.entered = false;
    screens.setConn("暂时连不上服务器，正在重试……");
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

  /** Ask for the state again (the options of a question whose "get ready" seconds are over are late). */
  var refreshing = 0;
  app.refreshQuestion = function () {
    var now = Date.now();
    if (!st.entered || !st.token || now - refreshing < 3000) {
      return;
    }
    refreshing = now;
    L.request(socket, "resume", { token: st.token }, function (ack) {
      if (ack && ack.ok && st.entered) {
        applyState(ack.state);
      }
    });
  };

  function takeUpcoming(s) {
    var up = s && s.upcoming;
    if (up && st.opened[up.round_question_id]) {
      return; // that question has opened since the snapshot was taken
    }
    st.upcoming = up || null;
    screens.renderUpcoming();
  }

  function entered(ack) {
    st.entered = true;
    if (ack.token) {
      st.token = ack.token;
      send.keepToken(ack.token);
    }
    st.player = ack.player || st.player;
    applyState(ack.state);
    send.resendPending();
  }

  function forget() {
    st.token = null;
    st.player = null;
    st.entered = false;
    send.keepToken(null);
    screens.renderMe();
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
    var payload = { code: app.code, staff_id: staffId, name: name };
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
    screens.renderMe();
    switch (st.phase) {
      case "question":
        st.closed = false;
        st.answered = !!s.answered || !!(st.pending && st.pending.rqid === q.round_question_id);
        if (s.answered && st.pending && st.pending.rqid === q.round_question_id) {
          st.pending.acked = true;
          send.stopRetry();
        }
        countdown.start(q.closes_at, st.paused, s.paused_at || s.server_now);
        screens.renderQuestion();
        show("question");
        break;
      case "closed":
        st.closed = true;
        st.answered = !!s.answered;
        send.stopRetry();
        countdown.stop();
        screens.renderQuestion();
        show("question");
        break;
      case "reveal":
        st.closed = true;
        send.stopRetry();
        countdown.stop();
        st.reveal = s.reveal;
        if (s.reveal && s.reveal.you) {
          st.result = s.reveal.you;
        }
        screens.renderReveal();
        show("reveal");
        break;
      case "leaderboard":
        st.leaderboard = s.leaderboard || st.leaderboard;
        screens.renderStandings();
        show("standings");
        break;
      case "finished":
        st.leaderboard = s.leaderboard || st.leaderboard;
        st.podium = s.podium || st.podium;
        screens.renderFinished();
        show("finished");
        break;
      default:
        screens.renderWait();
        show("wait");
    }
  }

  function newQuestion(q) {
    if (st.pending && st.pending.rqid !== q.round_question_id) {
      send.stopRetry();
      st.pending = null;
    }
    var rqid = q.round_question_id;
    st.question = q;
    st.opened[rqid] = true;
    st.answered = false;
    st.closed = false;
    // a multiple-choice answer this phone sent before a reload shows as the selection
    st.selection = Array.isArray(memo.answers[rqid]) ? memo.answers[rqid].slice() : [];
    st.answerError = "";
    st.reveal = null;
    st.result = null;
    st.buzz = { rqid: rqid, winner: null, mine: !!memo.buzz[rqid], message: "" };
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
    screens.renderQuestion();
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
    screens.renderQuestion();
  });

  socket.on("resumed", function (m) {
    L.clock.sync(m.server_now);
    if (!isCurrent(m)) {
      return;
    }
    st.paused = false;
    countdown.resume(m.closes_at);
    screens.renderQuestion();
  });

  socket.on("closed", function (m) {
    L.clock.sync(m.server_now);
    if (!isCurrent(m)) {
      return;
    }
    st.phase = "closed";
    st.closed = true;
    send.stopRetry();
    countdown.stop();
    screens.renderQuestion();
    show("question");
    takeUpcoming(m);
  });

  socket.on("buzzed", function (m) {
    if (!st.buzz || !st.question) {
      return;
    }
    st.buzz.winner = { name: m.name, center: m.center };
    screens.renderQuestion();
  });

  socket.on("reveal", function (r) {
    if (!st.entered || !isCurrent(r)) {
      return;
    }
    st.phase = "reveal";
    st.closed = true;
    send.stopRetry();
    countdown.stop();
    st.reveal = r;
    screens.renderReveal();
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
    screens.renderMe();
    if (st.phase === "reveal") {
      screens.renderReveal();
    }
  });

  socket.on("leaderboard", function (board) {
    if (!st.entered) {
      return;
    }
    st.phase = "leaderboard";
    st.leaderboard = board;
    screens.renderStandings();
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
    screens.renderFinished();
    show("finished");
  });

  socket.on("kicked", function (m) {
    kicked((m && m.message) || "您已被组织者移出本场竞赛");
  });

  function isCurrent(m) {
    return !!(
      st.question &&
      m &&
      (m.round_question_id === undefined || m.round_question_id === st.question.round_question_id)
    );
  }

  function kicked(message) {
    send.stopRetry();
    st.pending = null;
    forget();
    countdown.stop();
    $("kicked-text").textContent = message || "您已被组织者移出本场竞赛";
    st.upcoming = null;
    show("kicked");
  }

  // --- first paint ---------------------------------------------------------------------------

  if (st.token) {
    $("wait-text").textContent = "正在恢复您的参赛状态……";
    show("wait");
  } else {
    show("join");
  }
})();
