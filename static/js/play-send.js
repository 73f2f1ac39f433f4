// play-send.js — what the phone sends and keeps: token and choices in localStorage, answers, buzzer, stakes.
/*
 * PlaySend(app) works on the state play.js keeps (app.st), through its socket (app.socket),
 * and redraws with play-screens.js (app.screens).
 *
 * An answer is re-sent every 1.5 s with the same idempotency key until it is acknowledged
 * or the question closes; the server keeps the first one (docs/protocol.md).
 */
(function () {
  "use strict";

  var RETRY_MS = 1500;

  window.PlaySend = function (app) {
    var L = window.Live;
    var TOKEN_KEY = "quizengine.token." + app.code;
    var MEMO_KEY = "quizengine.memo." + app.code;

    // --- storage (private browsing may refuse it) ----------------------------------------

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

    // what this phone chose: answers, stakes, buzzer wins (by round question id)
    var memo = loadMemo();

    function saveMemo() {
      store(MEMO_KEY, JSON.stringify(memo));
    }

    // --- answering -----------------------------------------------------------------------------

    function canAnswer() {
      var st = app.st;
      if (!st.question || st.answered || st.closed || st.paused || st.phase !== "question") {
        return false; // while the host pauses, answering waits too
      }
      if (st.question.round && st.question.round.kind === "buzzer") {
        return !!(st.buzz && st.buzz.mine);
      }
      return true;
    }

    /** Send an answer (the response format of answers.js) and keep sending it until acknowledged. */
    function submit(response) {
      var st = app.st;
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
      app.screens.renderQuestion();
    }

    function sendPending() {
      var st = app.st;
      var p = st.pending;
      if (!p || p.acked) {
        stopRetry();
        return;
      }
      if (!app.socket.connected || !st.entered) {
        return; // sent again on the next tick or right after the resume
      }
      app.socket.emit("answer", { round_question_id: p.rqid, response: p.response, key: p.key }, function (ack) {
        onAnswerAck(p, ack);
      });
    }

    function onAnswerAck(p, ack) {
      var st = app.st;
      if (p !== st.pending || p.acked) {
        return;
      }
      if (ack && ack.ok) {
        p.acked = true;
        stopRetry();
        app.screens.renderQuestion();
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
        app.kicked(error.message);
        return;
      }
      app.screens.renderQuestion();
    }

    function stopRetry() {
      var st = app.st;
      if (st.pending && st.pending.timer !== null) {
        window.clearInterval(st.pending.timer);
        st.pending.timer = null;
      }
    }

    /** After a (re)join: the unacknowledged answer of the open question goes out again. */
    function resendPending() {
      var st = app.st;
      var p = st.pending;
      if (!p || p.acked || !st.question || p.rqid !== st.question.round_question_id || st.phase !== "question") {
        return;
      }
      stopRetry();
      p.timer = window.setInterval(sendPending, RETRY_MS);
      sendPending();
    }

    // --- buzzer and stakes ---------------------------------------------------------------------

    /** Press the buzzer of a question (`before`: while it is announced, not yet open). */
    function buzz(rqid, before) {
      L.request(app.socket, "buzz", { round_question_id: rqid }, function (ack) {
        var st = app.st;
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
        if (before && st.phase !== "question") {
          st.upcomingMessage = message;
          app.screens.renderUpcoming();
        } else if (st.buzz && st.buzz.rqid === rqid) {
          st.buzz.message = message;
          app.screens.renderQuestion();
        }
      });
    }

    function stake(rqid, value) {
      L.request(app.socket, "stake", { round_question_id: rqid, stake: value }, function (ack) {
        var st = app.st;
        if (ack && ack.ok) {
          memo.stakes[rqid] = ack.stake;
          saveMemo();
          st.upcomingMessage = ""; // the panel's stake line says it
        } else {
          st.upcomingMessage = (ack && ack.error && ack.error.message) || "选择失败";
        }
        app.screens.renderUpcoming();
        if (st.phase === "question") {
          app.screens.renderQuestion(); // chosen during the question's "get ready" seconds
        }
      });
    }

    return {
      memo: memo,
      token: function () {
        return load(TOKEN_KEY);
      },
      keepToken: function (token) {
        store(TOKEN_KEY, token);
      },
      canAnswer: canAnswer,
      submit: submit,
      stopRetry: stopRetry,
      resendPending: resendPending,
      buzz: buzz,
      stake: stake,
    };
  };
})();
