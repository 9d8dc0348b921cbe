import { strict as assert } from 'node:assert';
import { pageScripts } from '../../../../src/core/analysis/page/page-scripts';

describe("a page's form fields as it opens (page-form-values.ts)", () => {
  const rows: { title: string; html: string; expected: Record<string, { value: string; checked?: boolean }> }[] = [
    { title: 'an input with a value, and one without', html: '<input id="lr" type="number" value="0.001"><input id="name">', expected: { lr: { value: '0.001' }, name: { value: '' } } },
    { title: 'checkboxes: checked or not, "on" without a value', html: '<input id="aug" type="checkbox" checked><input id="bn" type="checkbox" value="yes">', expected: { aug: { value: 'on', checked: true }, bn: { value: 'yes', checked: false } } },
    { title: "a select's selected option, by value", html: '<select id="units"><option value="8">8</option><option value="16" selected>16</option></select>', expected: { units: { value: '16' } } },
    { title: "a select with none selected takes its first option, by text when it has no value", html: '<select id="act">\n  <option>relu </option>\n  <option>tanh</option>\n</select>', expected: { act: { value: 'relu' } } },
    { title: "a textarea's text, entities decoded", html: '<textarea id="cfg">{"a": 1} &amp; more</textarea>', expected: { cfg: { value: '{"a": 1} & more' } } },
    { title: 'elements that are no form field, and fields without an id, are left out', html: '<div id="log">x</div><input value="3"><button id="go">Go</button>', expected: {} },
  ];
  for (const row of rows) {
    it(row.title, () => {
      assert.deepEqual(pageScripts(row.html).fieldValues, row.expected);
    });
  }
});

describe("what a page's other elements show as it opens (shownTextsOf)", () => {
  const rows: [string, string, Record<string, string>][] = [
    ['a number a div shows, and an empty status log', '<div id="status">4</div><div class="log" id="statusLog"></div>', { status: '4', statusLog: '' }],
    ['inner markup as written, nested elements of the same name counted', '<div id="outer"><div>a</div> <b>b</b></div><p id="p">x</p>', { outer: '<div>a</div> <b>b</b>', p: 'x' }],
    ['a button and a canvas show their content', '<button id="go">Go</button><canvas id="chart"></canvas>', { go: 'Go', chart: '' }],
    ['form fields, void and unclosed elements, and elements without an id are left out', '<input id="lr" value="1"><img id="pic"><select id="s"><option id="o">a</option></select><textarea id="t">x</textarea><span>4</span><div id="open">', {}],
  ];
  for (const [title, html, expected] of rows) {
    it(title, () => {
      assert.deepEqual(pageScripts(html).shownTexts, expected);
    });
  }
});
