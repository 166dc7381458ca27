#include "desktop/login_dialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace nimbus::desktop {

LoginDialog::LoginDialog(ApiClient* api, const QString& server,
                         const QString& user, QWidget* parent)
    : QDialog(parent), api_(api) {
  setWindowTitle(tr("Sign in to Nimbus"));
  server_ = new QLineEdit(server, this);
  server_->setPlaceholderText("http://127.0.0.1:8090");
  user_ = new QLineEdit(user, this);
  user_->setMaxLength(32);
  password_ = new QLineEdit(this);
  password_->setEchoMode(QLineEdit::Password);
  password_->setMaxLength(1024);
  status_ = new QLabel(this);
  status_->setWordWrap(true);
  sign_in_ = new QPushButton(tr("Sign in"), this);
  sign_in_->setDefault(true);
  register_ = new QPushButton(tr("Create account"), this);
  auto* form = new QFormLayout;
  form->addRow(tr("Server"), server_);
  form->addRow(tr("User name"), user_);
  form->addRow(tr("Password"), password_);
  auto* buttons = new QDialogButtonBox(this);
  buttons->addButton(sign_in_, QDialogButtonBox::AcceptRole);
  buttons->addButton(register_, QDialogButtonBox::ActionRole);
  buttons->addButton(QDialogButtonBox::Cancel);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(status_);
  layout->addWidget(buttons);
  connect(sign_in_, &QPushButton::clicked, this, &LoginDialog::SignIn);
  connect(register_, &QPushButton::clicked, this, &LoginDialog::Register);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  // The button box would accept on its own; SignIn decides.
  disconnect(buttons, &QDialogButtonBox::accepted, nullptr, nullptr);
  if (!user.isEmpty()) password_->setFocus();
  setMinimumWidth(420);
}

QString LoginDialog::server() const { return server_->text().trimmed(); }
QString LoginDialog::user() const { return user_->text().trimmed(); }

void LoginDialog::SetNotice(const QString& text) { status_->setText(text); }

void LoginDialog::Busy(bool busy) {
  sign_in_->setEnabled(!busy);
  register_->setEnabled(!busy);
  if (busy) status_->setText(tr("Connecting…"));
}

bool LoginDialog::Check() {
  QUrl url(server(), QUrl::StrictMode);
  if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https") ||
      url.host().isEmpty()) {
    status_->setText(
        tr("Enter the server address, like http://127.0.0.1:8090"));
    return false;
  }
  if (user().size() < 3) {
    status_->setText(
        tr("User names have 3 to 32 letters, digits, '_', '.' or '-'."));
    return false;
  }
  if (password_->text().isEmpty()) {
    status_->setText(tr("Enter your password."));
    return false;
  }
  api_->SetServer(url);
  api_->SetToken({});
  return true;
}

void LoginDialog::SignIn() {
  if (!Check()) return;
  Busy(true);
  api_->Call(
      "POST", "/api/v1/auth/login",
      QJsonObject{{"name", user()}, {"password", password_->text()}},
      [this](const ApiResult& r) {
        Busy(false);
        if (!r.ok()) {
          status_->setText(r.status() == 401
                               ? tr("Wrong user name or password.")
                               : r.PlainWords());
          return;
        }
        token_ = r.json.value("token").toString().toLatin1();
        user_json_ = r.json.value("user").toObject();
        status_->clear();
        Q_EMIT SignedIn();
        accept();
      },
      this);
}

void LoginDialog::Register() {
  if (!Check()) return;
  if (password_->text().size() < 8) {
    status_->setText(tr("Choose a password of at least 8 characters."));
    return;
  }
  Busy(true);
  api_->Call(
      "POST", "/api/v1/auth/register",
      QJsonObject{{"name", user()}, {"password", password_->text()}},
      [this](const ApiResult& r) {
        Busy(false);
        if (r.ok()) return SignIn();
        if (r.status() == 409) {
          status_->setText(tr("That user name is taken."));
        } else if (r.status() == 400) {
          status_->setText(tr("Not accepted: %1").arg(r.message));
        } else {
          status_->setText(r.PlainWords());
        }
      },
      this);
}

}  // namespace nimbus::desktop
