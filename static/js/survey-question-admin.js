// The question page of the admin (templates/admin/surveys/question/change_form.html).
// 1. Shows only what applies to the question's kind: limits, the choices' and matrix rows' tables, the
//    "Autre" and picture columns (the rules come from the page: QUESTION_KIND_PARTS in surveys/admin.py).
//    A part stays shown when it holds an error, saved rows or a value, so nothing the server refuses is hidden.
// 2. Offers, as the condition's answer, only the answers of the question chosen as condition.
// Without JavaScript everything shows; the server checks the same rules either way.
(function () {
  "use strict";

  function applies(kinds, kind) {
    return kinds.indexOf(kind) !== -1;
  }

  function show(element, shown) {
    element.classList.toggle("hidden", !shown); // the admin's own class (display: none)
  }

  function hasError(element) {
    return element.classList.contains("errors") || element.querySelector(".errorlist") !== null;
  }

  function fields(parts, kind) {
    var fieldsets = [];
    Object.keys(parts).forEach(function (name) {
      var row = document.querySelector(".form-row.field-" + name);
      if (!row) return;
      var input = row.querySelector("input, select, textarea");
      // An optional limit someone filled in stays in sight (the server will say it does not apply);
      // the text length always has a value (its default), so it follows the kind only.
      var filled = input && name !== "max_length" && input.value !== "";
      show(row, applies(parts[name], kind) || hasError(row) || filled);
      var fieldset = row.closest("fieldset");
      if (fieldset && fieldsets.indexOf(fieldset) === -1) fieldsets.push(fieldset);
    });
    fieldsets.forEach(function (fieldset) {
      var rows = fieldset.querySelectorAll(".form-row");
      var visible = Array.prototype.some.call(rows, function (row) {
        return !row.classList.contains("hidden");
      });
      show(fieldset, visible);
    });
  }

  function inlines(parts, kind) {
    Object.keys(parts).forEach(function (prefix) {
      var group = document.getElementById(prefix + "-group");
      if (!group) return;
      var saved = document.getElementById("id_" + prefix + "-INITIAL_FORMS");
      var hasSaved = saved && parseInt(saved.value, 10) > 0;
      show(group, applies(parts[prefix], kind) || hasSaved || hasError(group));
    });
  }

  function columns(parts, kind) {
    var group = document.getElementById("choices-group");
    if (!group) return;
    Object.keys(parts).forEach(function (name) {
      var cells = group.querySelectorAll("th.column-" + name + ", td.field-" + name);
      var keep = applies(parts[name], kind);
      Array.prototype.forEach.call(cells, function (cell) {
        if (cell.tagName === "TD" && (hasError(cell) || cell.querySelector("input[type=checkbox]:checked"))) {
          keep = true;
        }
      });
      Array.prototype.forEach.call(cells, function (cell) {
        show(cell, keep);
      });
    });
  }

  function conditionChoices(questionSelect, choiceSelect) {
    var groups = Array.prototype.slice.call(choiceSelect.querySelectorAll("optgroup"));
    function questionOf(group) {
      var option = group.querySelector("option[data-question]");
      return option ? option.getAttribute("data-question") : null;
    }
    function filter() {
      var chosen = questionSelect.value;
      var selected = choiceSelect.value;
      groups.forEach(function (group) {
        if (group.parentNode) group.parentNode.removeChild(group);
      });
      var stillThere = false;
      groups.forEach(function (group) {
        if (!chosen || questionOf(group) === chosen) {
          choiceSelect.appendChild(group);
          if (group.querySelector('option[value="' + selected + '"]')) stillThere = true;
        }
      });
      choiceSelect.value = stillThere ? selected : "";
    }
    questionSelect.addEventListener("change", filter);
    filter();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var rules = document.getElementById("question-kind-parts");
    var kindSelect = document.getElementById("id_kind");
    if (rules && kindSelect) {
      var parts = JSON.parse(rules.textContent);
      var update = function () {
        fields(parts.fields, kindSelect.value);
        inlines(parts.inlines, kindSelect.value);
        columns(parts.columns, kindSelect.value);
      };
      kindSelect.addEventListener("change", update);
      document.addEventListener("formset:added", update); // a row added by the admin's "Ajouter un choix"
      update();
    }
    var questionSelect = document.getElementById("id_condition_question");
    var choiceSelect = document.getElementById("id_condition_choice");
    if (questionSelect && choiceSelect) conditionChoices(questionSelect, choiceSelect);
  });
})();
