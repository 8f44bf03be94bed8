"""The radio buttons and checkboxes every questionnaire page is made of."""

from html.parser import HTMLParser

from app.engine.questionnaire.definition import Item, Option
from app.web.templating import choice_inputs

TREATMENTS = Item(
    link_id="tried",
    text="Treatments tried",
    type="multi-choice",
    section_id="treatments",
    options=(
        Option("physio", "Physiotherapy"),
        Option("tens", 'TENS <machine> & "pads"'),
        Option("none", "None of these"),
    ),
)
SCALE = Item(
    link_id="pain_now",
    text="Pain now",
    type="integer",
    section_id="pain",
    min=0,
    max=10,
    widget="scale",
)
YES_NO = Item(link_id="had_surgery", text="Surgery?", type="boolean", section_id="health")


class Inputs(HTMLParser):
    """The inputs of a fragment, with their attributes, and the text of each label."""

    def __init__(self, html: str):
        super().__init__()
        self.inputs: list[dict] = []
        self.labels: dict[str, str] = {}
        self._label_for: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "input":
            self.inputs.append(dict(attrs))
        elif tag == "label":
            self._label_for = dict(attrs)["for"]

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None


def test_each_option_is_a_labelled_input_and_only_the_chosen_ones_are_checked():
    page = Inputs(choice_inputs(TREATMENTS, "tried", ["physio", "none"], invalid=False))

    assert [i["value"] for i in page.inputs] == ["physio", "tens", "none"]
    assert {i["type"] for i in page.inputs} == {"checkbox"}
    assert [i["value"] for i in page.inputs if "checked" in i] == ["physio", "none"]
    assert {page.labels[i["id"]] for i in page.inputs} == {
        "Physiotherapy",
        'TENS <machine> & "pads"',
        "None of these",
    }
    assert not any("aria-invalid" in i for i in page.inputs)


def test_labels_and_names_are_escaped():
    html = choice_inputs(TREATMENTS, 'rows-0-"><script>', [], invalid=False)

    assert "<script>" not in html
    assert "<machine>" not in html
    assert "TENS &lt;machine&gt; &amp; &#34;pads&#34;" in html
    assert Inputs(html).inputs[0]["name"] == 'rows-0-"><script>'


def test_a_question_with_an_error_marks_every_input_invalid():
    page = Inputs(choice_inputs(YES_NO, "had_surgery", [None], invalid=True))

    assert [(i["type"], i["value"], i.get("aria-invalid")) for i in page.inputs] == [
        ("radio", "yes", "true"),
        ("radio", "no", "true"),
    ]
    assert [page.labels[i["id"]] for i in page.inputs] == ["Yes", "No"]


def test_a_scale_is_one_radio_button_per_point():
    page = Inputs(choice_inputs(SCALE, "pain_now", ["7"], invalid=False))

    assert [i["value"] for i in page.inputs] == [str(n) for n in range(11)]
    assert [i["value"] for i in page.inputs if "checked" in i] == ["7"]
