from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import HttpRequest

from gongkai.catalogue.models import Document, Term, Vocabulary
from gongkai.catalogue.services import EDITABLE_FIELDS
from gongkai.core.errors import ApplicationError
from gongkai.orgs.models import Organisation


class TermChoiceField(forms.ModelChoiceField[Term]):
    def label_from_instance(self, obj: Term) -> str:
        return obj.path_label


class HttpsURLField(forms.URLField):
    """A URL typed without a scheme is taken as https (Django 6's default, chosen now)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("assume_scheme", "https")
        super().__init__(**kwargs)


class DocumentForm(forms.ModelForm[Document]):
    """Input parsing only; rules live in the catalogue services."""

    org = forms.ModelChoiceField(queryset=Organisation.objects.none(), label="发布机构", required=True)

    # The policy an interpretation names, by its 索引号 (a choice among every item would be a list of
    # millions); the catalogue service finds it and checks it may be named.
    interprets = forms.CharField(
        label="所解读的政策文件（索引号或工作台编号）",
        required=False,
        max_length=40,
        help_text="本信息是政策解读时填写：已发布文件的索引号，或本机关尚在办理中文件的工作台编号；否则留空。",
    )

    class Meta:
        model = Document
        fields = [f for f in EDITABLE_FIELDS if f != "interprets"]
        field_classes = {"video_url": HttpsURLField}
        widgets = {
            "written_date": forms.DateInput(attrs={"type": "date"}),
            "formed_date": forms.DateInput(attrs={"type": "date"}),
            "effective_date": forms.DateInput(attrs={"type": "date"}),
            "amended_date": forms.DateInput(attrs={"type": "date"}),
            "repealed_date": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 14}),
        }
        help_texts = {
            "formed_date": "信息形成或者变更之日；据此计算第二十六条规定的20个工作日公开期限。",
            "doc_number": "如：呼府发〔2026〕12号",
            "disclosure_period_days": "法律、法规对公开期限另有规定的，按其规定填写。",
            "video_url": "视频解读填写视频的网址。",
        }

    def __init__(self, *args: Any, orgs: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = Term.objects.filter(is_current=True).select_related("parent")
        self.fields["topic"] = TermChoiceField(
            queryset=terms.filter(vocabulary=Vocabulary.TOPIC, parent__isnull=False), label="主题分类"
        )
        self.fields["genre"] = TermChoiceField(
            queryset=terms.filter(vocabulary=Vocabulary.GENRE), label="体裁", required=False
        )
        self.fields["art20_item"] = TermChoiceField(
            queryset=terms.filter(vocabulary=Vocabulary.ART20), label="公开事项（条例第二十条）", required=False
        )
        if self.instance.pk and self.instance.interprets_id and not self.is_bound:
            policy = self.instance.interprets
            self.initial["interprets"] = (policy.index_number or str(policy.pk)) if policy else ""
        if orgs is None:
            del self.fields["org"]
        else:
            org_field = cast("forms.ModelChoiceField[Organisation]", self.fields["org"])
            org_field.queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])
            if len(orgs) == 1:
                self.fields["org"].initial = orgs[0].pk

    def service_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in EDITABLE_FIELDS}


class AttachmentForm(forms.Form):
    file = forms.FileField(label="选择文件（PDF、DOCX、XLSX、TXT）")


class BodyForm(forms.Form):
    """A recording form's first field: which of the user's bodies the record is for."""

    org = forms.ModelChoiceField(label="机构", queryset=Organisation.objects.none(), empty_label=None)

    def __init__(self, *args: Any, orgs: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in orgs])  # type: ignore[attr-defined]


def errors_in_one_line(form: forms.Form) -> str:
    """The form's errors in one line, each with its field's label."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.extend(f"{label}：{e}" if label else str(e) for e in errors)
    return "；".join(parts)


def submit(request: HttpRequest, form: forms.Form, refused: str, write: Callable[[dict[str, Any]], str]) -> bool:
    """A workbench form's submission: the form's checks, then the service's (``write``, which returns
    what to tell the user); each refusal said in one line after ``refused`` and naming the field.
    Returns whether it was done (the caller redirects either way)."""
    if not form.is_valid():
        messages.error(request, f"{refused}：{errors_in_one_line(form)}")
        return False
    try:
        done = write(form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, f"{refused}：{exc.message}")
        return False
    messages.success(request, done)
    return True
