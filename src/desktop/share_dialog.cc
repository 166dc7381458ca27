#include "desktop/share_dialog.h"

#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSpinBox>
#include <QVBoxLayout>

namespace nimbus::desktop {
namespace {

QString RandomCode() {
  // No 0/O, 1/l/I: the code is read aloud and typed.
  static const char kChars[] = "abcdefghijkmnpqrstuvwxyz23456789";
  QString s;
  for (int i = 0; i < 4; ++i) {
    s += QChar(kChars[QRandomGenerator::system()->bounded(
        static_cast<int>(sizeof(kChars) - 1))]);
  }
  return s;
}

}  // namespace

ShareDialog::ShareDialog(ApiClient* api, qint64 node, const QString& name,
                         QWidget* parent)
    : QDialog(parent), api_(api), node_(node) {
  setWindowTitle(tr("Share “%1”").arg(name));
  use_password_ = new QCheckBox(tr("Require a password"), this);
  use_password_->setChecked(true);
  password_ = new QLineEdit(RandomCode(), this);
  password_->setMaxLength(64);
  expiry_ = new QComboBox(this);
  expiry_->addItem(tr("1 day"), 86400);
  expiry_->addItem(tr("7 days"), 7 * 86400);
  expiry_->addItem(tr("30 days"), 30 * 86400);
  expiry_->addItem(tr("Never"), 0);
  expiry_->setCurrentIndex(1);
  limit_ = new QSpinBox(this);
  limit_->setRange(0, 1'000'000);
  limit_->setSpecialValueText(tr("Unlimited"));
  public_ = new QCheckBox(tr("List in the public share square"), this);
  create_ = new QPushButton(tr("Create link"), this);
  create_->setDefault(true);
  copy_ = new QPushButton(tr("Copy"), this);
  copy_->setEnabled(false);
  link_ = new QLineEdit(this);
  link_->setReadOnly(true);
  link_->setPlaceholderText(tr("The link appears here"));
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  auto* form = new QFormLayout;
  auto* pw = new QHBoxLayout;
  pw->addWidget(use_password_);
  pw->addWidget(password_);
  form->addRow(tr("Password"), pw);
  form->addRow(tr("Expires after"), expiry_);
  form->addRow(tr("Download limit"), limit_);
  form->addRow(QString(), public_);
  auto* link_row = new QHBoxLayout;
  link_row->addWidget(link_);
  link_row->addWidget(copy_);
  form->addRow(tr("Link"), link_row);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  buttons->addButton(create_, QDialogButtonBox::ActionRole);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(status_);
  layout->addWidget(buttons);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);
  connect(create_, &QPushButton::clicked, this, &ShareDialog::Create);
  connect(copy_, &QPushButton::clicked, this, [this] {
    QGuiApplication::clipboard()->setText(LinkText());
    status_->setText(tr("Copied."));
  });
  connect(public_, &QCheckBox::toggled, this, [this](bool on) {
    // A public share cannot have a password.
    use_password_->setEnabled(!on);
    password_->setEnabled(!on && use_password_->isChecked());
    if (on) use_password_->setChecked(false);
  });
  connect(use_password_, &QCheckBox::toggled, password_,
          &QLineEdit::setEnabled);
  setMinimumWidth(640);
}

QString ShareDialog::ShareUrl() const {
  return api_->Resolve("/api/v1/s/" + share_.value("code").toString())
      .toString();
}

QString ShareDialog::LinkText() const {
  if (share_.isEmpty()) return {};
  QString text = ShareUrl();
  if (share_.value("requires_password").toBool()) {
    text += "  " + tr("Password: %1").arg(password_->text());
  }
  return text;
}

void ShareDialog::Create() {
  QJsonObject body{{"node", node_}};
  if (use_password_->isChecked() && !public_->isChecked()) {
    if (password_->text().size() < 4) {
      status_->setText(tr("The password needs 4 to 64 characters."));
      return;
    }
    body.insert("password", password_->text());
  }
  if (int s = expiry_->currentData().toInt()) body.insert("expires_in", s);
  if (limit_->value() > 0) body.insert("max_downloads", limit_->value());
  if (public_->isChecked()) body.insert("public", true);
  create_->setEnabled(false);
  status_->setText(tr("Creating…"));
  api_->Call(
      "POST", "/api/v1/shares", body,
      [this](const ApiResult& r) {
        if (!r.ok()) {
          create_->setEnabled(true);
          status_->setText(r.PlainWords());
          return;
        }
        share_ = r.json.value("share").toObject();
        link_->setText(LinkText());
        copy_->setEnabled(true);
        status_->setText(
            tr("The link works until it expires, reaches its "
               "limit or you revoke it."));
        Q_EMIT Created(share_);
      },
      this);
}

}  // namespace nimbus::desktop
