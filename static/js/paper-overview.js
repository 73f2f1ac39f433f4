// paper-overview.js — the paper page outside a sitting: the paper's facts, the attempts, the marked review.
/*
 * PaperOverview.show(state) draws the state of views/learn.py's paper API (paper.js fetches
 * it) when no attempt is open; PaperOverview.message(text) puts a refusal in its place.
 */
(function () {
  "use strict";

  var Live = window.Live;
  var A = window.Answers;
  var h = Live.h;
  var $ = function (id) {
    return document.getElementById(id);
  };

  var WINDOW = { before: "尚未开始", open: "开放中", closed: "已截止" };
  var CLOSED_BY = { submit: "已交卷", timeout: "时间到自动交卷", finish: "组织者结束考试时收卷" };

  function show(state) {
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
    Live.fill($("review-items"), review.items.map(reviewItem));
  }

  /** One marked question: the options as shown in the sitting (A, B, C… by position), the answers in words. */
  function reviewItem(item) {
    var kind = item.kind;
    var answer = A.fromKey(kind, item.answer);
    // a judge question's verdict is in words only; choice questions list their options
    var rows = kind === "single" || kind === "multiple" ? A.choices(item, { letters: true }) : [];
    var letters = {};
    rows.forEach(function (c) {
      letters[c.value] = c.key;
    });
    var right = A.ids(kind, answer);
    var mine = A.ids(kind, item.response);
    var mark = item.voided
      ? "本题已作废，不计分"
      : item.response === null
        ? "未作答"
        : item.correct
          ? "正确"
          : item.earned > 0
            ? "部分正确"
            : "错误";
    var shown = function (value) {
      if (kind === "judge" || kind === "fill") {
        return A.text(kind, value, []);
      }
      return A.keys(value)
        .map(function (k) {
          return letters[k] || k;
        })
        .sort()
        .join("、");
    };
    var options = rows.map(function (c) {
      var isRight = right.indexOf(c.id) >= 0;
      var isMine = mine.indexOf(c.id) >= 0;
      return h("li", { className: "option" + (isRight ? " right" : isMine ? " wrong" : "") }, [
        h("span", { className: "key", text: c.key }),
        h("span", { className: "text", text: c.text }),
        h("span", { className: "mark", text: isMine ? "您的选择" : "" }),
      ]);
    });
    var verdict = item.voided ? "" : item.correct ? "good" : "bad";
    return h("article", { className: "paper-item review-item " + verdict }, [
      h("p", { className: "q-meta" }, [
        h("strong", { text: "第 " + item.position + " 题 " }),
        item.kind_label + " · " + mark + " · " + item.earned + " / " + item.points + " 分",
      ]),
      h("p", { className: "stem small", text: item.stem }),
      options.length ? h("ul", { className: "options review" }, options) : null,
      h("dl", { className: "details" }, [
        h("dt", { text: "您的答案" }),
        h("dd", { text: item.response === null ? "（未作答）" : shown(item.response) }),
        h("dt", { text: "正确答案" }),
        h("dd", { text: shown(answer) }),
        item.explanation ? h("dt", { text: "解析" }) : null,
        item.explanation ? h("dd", { text: item.explanation }) : null,
        item.source ? h("dt", { text: "政策出处" }) : null,
        item.source ? h("dd", { text: item.source }) : null,
      ]),
    ]);
  }

  /** A refusal of the server, where the overview's status goes. */
  function message(text) {
    Live.showOnly([$("overview"), $("sitting")], $("overview"));
    $("ov-status").textContent = text;
    $("ov-status").classList.add("error");
  }

  window.PaperOverview = { show: show, message: message };
})();
