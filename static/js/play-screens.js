// play-screens.js — what the phone page draws: screens, countdown, question, reveal, standings, next round.
/*
 * PlayScreens(app) draws from the state play.js keeps (app.st, app.memo) and answers through
 * play-send.js (app.send). Texts from the server go in with textContent only (Live.h).
 */
(function () {
  "use strict";

  window.PlayScreens = function (app) {
    var L = window.Live;
    var h = L.h;
    var st = app.st;
    var memo = app.memo;
    var next = window.PlayNext(app);
    var renderUpcoming = next.renderUpcoming;

    function $(id) {
      return document.getElementById(id);
    }

    var screens = ["join", "wait", "question", "reveal", "standings", "finished", "kicked"].map($);

    function show(id) {
      L.showOnly(screens, $(id));
      renderUpcoming();
    }

    /** The countdown's line (Live.Countdown's onTick); during the "get ready" seconds, their count. */
    function tick(ms, state) {
      var timer = $("q-timer");
      var ready = st.closed ? null : L.readyLeft(st.question);
      if (ready !== null) {
        timer.classList.remove("urgent");
        timer.classList.toggle("paused", st.paused);
        timer.textContent = st.paused ? "暂停" : "准备 " + L.seconds(ready) + " 秒";
        var count = $("q-ready-count");
        if (count) {
          count.textContent = String(L.seconds(ready));
        }
        if (!st.paused && ready < -1500) {
          app.refreshQuestion(); // its options are late (a lost message): ask for the state
        }
        return;
      }
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
    }

    function setConn(text) {
      var conn = $("conn");
      conn.textContent = text || "";
      conn.hidden = !text;
    }

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
        parts.push(chosen ? "分值 " + chosen + " 分（答错扣分）" : next.stakeText(q.round_question_id, q.round.stakes) + "（答错扣分）");
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
      var extra = $("q-extra");
      delete extra.dataset.state;
      if (q.ready && !st.closed) {
        // get ready: the stem alone, a big count, and what this round asks of the player meanwhile
        L.fill(extra, next.readyPanel(q));
        L.fill($("q-options"), [
          h("div", { className: "ready-panel", attrs: { role: "timer" } }, [
            h("p", { className: "ready-label", text: "准备" }),
            h("strong", { id: "q-ready-count", className: "ready-count", text: String(L.seconds(L.readyLeft(q))) }),
            h("p", { className: "ready-note", text: "倒数结束后出现选项并开始计时" }),
          ]),
        ]);
        var wait = $("q-status");
        wait.className = "status";
        wait.textContent = st.paused ? "主持人已暂停计时" : "";
        return;
      }
      L.fill(extra, roundKind(q) === "buzzer" ? next.buzzerPanel(q) : []);
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

    /** The answer controls (answers.js): one answer per question, sent at once or with 提交. */
    function optionControls(q) {
      var multiple = q.kind === "multiple";
      return window.Answers.controls(q, {
        // a multiple-choice question shows the selection being made (the answer, once sent)
        response: multiple ? st.selection : memo.answers[q.round_question_id],
        disabled: !app.send.canAnswer(),
        marks: "live",
        label: "答案",
        placeholder: "在此填写答案",
        onChange: function (selection) {
          st.selection = selection || [];
          renderQuestion();
        },
        onSubmit: app.send.submit,
      });
    }

    function renderReveal() {
      var q = st.question;
      var r = st.reveal;
      if (!q || !r) {
        return;
      }
      var verdict = $("r-verdict");
      var result = st.result;
      var buzzed = next.buzzVerdict(q, r, result);
      if (buzzed) {
        verdict.className = "verdict none";
        verdict.textContent = buzzed;
      } else if (!result) {
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

      var A = window.Answers;
      var mine = memo.answers[q.round_question_id];
      var mineIds = A.ids(q.kind, mine);
      L.fill($("r-options"), q.kind === "fill" ? typedList(r) : revealOptions(q, r, mineIds));

      var details = [["正确答案", A.text(q.kind, r.answer, q.options)]];
      if (mine !== undefined) {
        details.push(["您的答案", A.text(q.kind, mine, q.options)]);
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

    /** The options of a closed question: 正确答案 on the right ones, 您的选择 on every one picked, right or wrong. */
    function revealOptions(q, r, mineIds) {
      var right = window.Answers.ids(q.kind, r.answer);
      return window.Answers.choices(q, { marks: "live" }).map(function (c) {
        var isRight = right.indexOf(c.id) >= 0;
        var isMine = mineIds.indexOf(c.id) >= 0;
        var cls =
          "option static" + (isRight ? " right" : "") + (isMine && !isRight ? " wrong" : "") + (isMine ? " chosen" : "");
        var marks = [isRight ? "正确答案" : null, isMine ? "您的选择" : null].filter(Boolean);
        return h("div", { className: cls }, [
          h("span", { className: "key", text: c.key }),
          h("span", { className: "text", text: c.text }),
          marks.length
            ? h(
                "span",
                { className: "mark" },
                marks.map(function (m) {
                  return h("span", { text: m });
                }),
              )
            : null,
        ]);
      });
    }

    /** A fill-in question's answers as given, counted (after the close only: they come with the reveal). */
    function typedList(r) {
      var rows = window.Answers.typed(r);
      var items = rows.map(function (t) {
        return h("div", { className: "option static typed" + (t.right ? " right" : "") }, [
          h("span", { className: "text", text: t.text }),
          h("span", { className: "mark", text: t.count + " 人" + (t.right ? " · 正确" : "") }),
        ]);
      });
      return [h("p", { className: "typed-title", text: rows.length ? "大家的答案" : "无人作答" })].concat(items);
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
        h("span", { className: L.rankClass(c.rank), text: L.rankLabel(c.rank) }),
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
      var podium = st.podium || { people: [], centers: [] }; // the places won (results.podium)
      syncMineFromBoard(st.leaderboard || podium);
      L.fill($("f-mine"), myFigures());
      var none = h("li", { className: "muted", text: "暂无（得分须高于 0 分）" });
      L.fill($("f-people"), podium.people && podium.people.length ? podium.people.map(personItem) : [none]);
      L.fill(
        $("f-centers"),
        podium.centers && podium.centers.length ? podium.centers.map(centerItem) : [none.cloneNode(true)],
      );
    }

    return {
      show: show,
      tick: tick,
      setConn: setConn,
      renderMe: renderMe,
      renderWait: renderWait,
      renderQuestion: renderQuestion,
      renderReveal: renderReveal,
      renderStandings: renderStandings,
      renderFinished: renderFinished,
      renderUpcoming: renderUpcoming,
    };
  };
})();
