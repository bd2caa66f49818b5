"""Applicants' uploads and letters move out of the served media folder into the private store, under
random names (docs/security.md). Uploads are copied across and their old files deleted; rendered
letters are forgotten and deleted (each is rendered again, privately, from its frozen text on its
next download)."""

import secrets

from django.core.files.storage import storages
from django.db import migrations, models

import gongkai.core.storage


def forwards(apps, schema_editor):
    public, private = storages["default"], storages["private"]
    ApplicationFile = apps.get_model("applications", "ApplicationFile")
    Letter = apps.get_model("applications", "Letter")
    for record in ApplicationFile.objects.exclude(file="").iterator(chunk_size=500):
        old = record.file.name
        if old.startswith("applications/") and public.exists(old) and not private.exists(old):
            year = record.uploaded_at.year
            with public.open(old, "rb") as fh:
                new = private.save(f"applications/{year}/{secrets.token_hex(16)}", fh)
            ApplicationFile.objects.filter(pk=record.pk).update(file=new)
            public.delete(old)
    for letter in Letter.objects.exclude(docx="", pdf="").iterator(chunk_size=500):
        for name in (letter.docx.name, letter.pdf.name):
            if name and public.exists(name):
                public.delete(name)
        Letter.objects.filter(pk=letter.pk).update(docx="", pdf="")


class Migration(migrations.Migration):
    dependencies = [("applications", "0001_initial")]

    operations = [
        migrations.AlterField(
            model_name="applicationfile",
            name="file",
            field=models.FileField(
                storage=gongkai.core.storage.private_storage, upload_to=gongkai.core.storage.application_file_name
            ),
        ),
        migrations.AlterField(
            model_name="letter",
            name="docx",
            field=models.FileField(
                blank=True,
                storage=gongkai.core.storage.private_storage,
                upload_to=gongkai.core.storage.letter_file_name,
            ),
        ),
        migrations.AlterField(
            model_name="letter",
            name="pdf",
            field=models.FileField(
                blank=True,
                storage=gongkai.core.storage.private_storage,
                upload_to=gongkai.core.storage.letter_file_name,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
