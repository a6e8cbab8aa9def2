"""Real-name verification: the ID card images of individuals, and the audit of every view of a document."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_login_limits_in_cache'),
    ]

    operations = [
        migrations.AddField(
            model_name='realnameverification',
            name='id_back',
            field=models.FileField(blank=True, upload_to='verifications/%Y/%m/', verbose_name='ID card, back'),
        ),
        migrations.AddField(
            model_name='realnameverification',
            name='id_front',
            field=models.FileField(blank=True, upload_to='verifications/%Y/%m/', verbose_name='ID card, front'),
        ),
        migrations.CreateModel(
            name='VerificationDocumentView',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('document', models.CharField(choices=[('licence', 'business licence'), ('id_front', 'ID card, front'), ('id_back', 'ID card, back')], max_length=16, verbose_name='document')),
                ('client_address', models.CharField(blank=True, max_length=64, verbose_name='client address')),
                ('viewed_at', models.DateTimeField(auto_now_add=True, db_index=True, verbose_name='viewed at')),
                ('verification', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='accounts.realnameverification', verbose_name='real-name verification')),
                ('viewer', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='viewed by')),
            ],
            options={
                'verbose_name': 'verification document view',
                'verbose_name_plural': 'verification document views',
                'ordering': ['-viewed_at', '-id'],
            },
        ),
    ]
