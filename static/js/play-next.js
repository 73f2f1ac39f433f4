// play-next.js — the phone's special rounds: the next question's panel (risk stake, buzzer wait) and the buzzer.
/*
 * PlayNext(app) draws from the state play.js keeps (app.st, app.memo) and sends through
 * play-send.js (app.send). The next question's panel (#upcoming) sits at the top of the page,
 * above whatever screen is shown, so choosing a stake is the first thing a phone sees.
 *
 * The buzzer has three states, each with its own look (and `data-state` on its container):
 * - "wait": the question has not opened; a grey 等待题目出现 (a press now is a false start);
 * - "open": the question is open and nobody has the buzz; the red 抢答 button;
 * - "taken": someone else has it ("mine": this phone has it; "none": closed, nobody pressed).
 */
(function () {
  "use strict";

  window.PlayNext = function (app) {
    var L = window.Live;
    var h = L.h;
    var st = app.st;
    var memo = app.memo;

    function $(id) {
      return document.getElementById(id);
    }

    function lowest(stakes) {
      return (stakes || []).reduce(function (m, v) {
        return m === null || v < m ? v : m;
      }, null);
    }

    /** The stake line of a risk question: chosen, or the lowest one that counts without a choice. */
    function stakeText(rqid, stakes) {
      var chosen = memo.stakes[rqid];
      if (chosen) {
        return "已选择本题分值 " + chosen + " 分";
      }
      var low = lowest(stakes);
      return low === null ? "尚未选择分值" : "尚未选择：不选按最低 " + low + " 分计";
    }

    /** The next question's panel, shown between questions when it is a risk or a buzzer one. */
    function renderUpcoming() {
      var aside = $("upcoming");
      var up = st.upcoming;
      var between = ["lobby", "closed", "reveal", "leaderboard"].indexOf(st.phase) >= 0;
      var kind = up && up.round && up.round.kind;
      if (!st.entered || !up || !between || st.status !== "open" || (kind !== "risk" && kind !== "buzzer")) {
        aside.hidden = true;
        aside.className = "upcoming";
        L.fill(aside, []);
        return;
      }
      var rqid = up.round_question_id;
      var title = up.round.title || L.ROUND_KINDS[kind];
      var children = kind === "risk" ? stakePicker(rqid, up.round, title) : buzzerWait(rqid, title);
      if (st.upcomingMessage) {
        children.push(h("p", { className: "status", text: st.upcomingMessage, attrs: { role: "status" } }));
      }
      aside.className = "upcoming next-" + kind;
      aside.dataset.state = kind === "risk" ? (memo.stakes[rqid] ? "chosen" : "choose") : "wait";
      L.fill(aside, children);
      aside.hidden = false;
    }

    function stakePicker(rqid, round, title) {
      var chosen = memo.stakes[rqid];
      return [
        h("p", { className: "next-label", text: "下一题：" + title }),
        h("h2", { text: chosen ? "本题分值已选好" : "请选择本题分值" }),
        h("p", { className: "prompt", text: "题目出现前选好：答对加上所选分值，答错扣去同样的分值。题目出现前可以更改。" }),
        h(
          "div",
          { className: "stakes" },
          (round.stakes || []).map(function (value) {
            return h("button", {
              className: "stake" + (chosen === value ? " chosen" : ""),
              text: value + " 分",
              attrs: { type: "button", "aria-pressed": chosen === value ? "true" : "false" },
              on: {
                click: function () {
                  app.send.stake(rqid, value);
                },
              },
            });
          }),
        ),
        h("p", { className: "stake-state" + (chosen ? " done" : ""), text: stakeText(rqid, round.stakes) }),
      ];
    }

    function buzzerWait(rqid, title) {
      return [
        h("p", { className: "next-label", text: "下一题：" + title }),
        h("button", {
          className: "buzzer waiting",
          text: "等待题目出现",
          attrs: { type: "button" },
          on: {
            click: function () {
              app.send.buzz(rqid, true); // recorded as a false start; the server says so
            },
          },
        }),
        h("p", { className: "prompt", text: "题目出现后按钮变红，再按“抢答”；现在按下记为抢答过早。" }),
      ];
    }

    /** During a question's "get ready" seconds: the buzzer in its wait state, or the risk stake (still open). */
    function readyPanel(q) {
      var kind = q.round && q.round.kind;
      var title = (q.round && q.round.title) || L.ROUND_KINDS[kind];
      var children = [];
      var message = "";
      if (kind === "buzzer") {
        $("q-extra").dataset.state = "wait";
        children = buzzerWait(q.round_question_id, title).slice(1);
        message = (st.buzz && st.buzz.rqid === q.round_question_id && st.buzz.message) || "";
      } else if (kind === "risk") {
        $("q-extra").dataset.state = memo.stakes[q.round_question_id] ? "chosen" : "choose";
        children = stakePicker(q.round_question_id, q.round, title).slice(1);
        message = st.upcomingMessage;
      }
      if (message) {
        children.push(h("p", { className: "buzz-note", text: message, attrs: { role: "status" } }));
      }
      return children;
    }

    /** The buzzer of the open (or just closed) question, with its state; sets #q-extra's data-state. */
    function buzzerPanel(q) {
      var b = st.buzz || {};
      var children = [];
      var state;
      if (b.mine) {
        state = "mine";
        children.push(h("p", { className: "buzz-banner mine", text: "您抢到了答题权，请作答！" }));
      } else if (b.winner) {
        state = "taken";
        children.push(
          h("div", { className: "buzz-banner taken" }, [
            h("strong", { text: b.winner.name + "（" + b.winner.center + "）" }),
            h("span", { text: "已抢到答题权" }),
          ]),
        );
        children.push(h("p", { className: "buzz-note", text: "本题由对方作答，请等待公布答案" }));
      } else if (st.closed) {
        state = "none";
        children.push(h("p", { className: "buzz-banner none", text: "本题无人抢答" }));
      } else {
        state = "open";
        children.push(
          h("button", {
            className: "buzzer live",
            text: "抢答",
            attrs: { type: "button" },
            on: {
              click: function (e) {
                e.currentTarget.disabled = true;
                app.send.buzz(q.round_question_id, false);
              },
            },
          }),
        );
        children.push(h("p", { className: "buzz-note", text: "请抢答！第一个按下的选手获得答题权" }));
      }
      if (b.message && !b.mine) {
        children.push(h("p", { className: "buzz-note", text: b.message }));
      }
      $("q-extra").dataset.state = state;
      return children;
    }

    /** Whether the reveal's verdict is about the buzzer: who had the question, when this phone did not. */
    function buzzVerdict(q, r, result) {
      if (!q.round || q.round.kind !== "buzzer" || (result && result.answered)) {
        return null;
      }
      if (!r.buzzer) {
        return "本题无人抢答";
      }
      if (st.player && r.buzzer.player_id === st.player.id) {
        return null;
      }
      return "本题由 " + r.buzzer.name + "（" + r.buzzer.center + "）抢答";
    }

    return {
      renderUpcoming: renderUpcoming,
      readyPanel: readyPanel,
      buzzerPanel: buzzerPanel,
      buzzVerdict: buzzVerdict,
      stakeText: stakeText,
    };
  };
})();
