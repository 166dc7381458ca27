// Sign in or create an account. The server URL is remembered in the
// settings; on success the dialog holds the new session token.
#ifndef NIMBUS_DESKTOP_LOGIN_DIALOG_H_
#define NIMBUS_DESKTOP_LOGIN_DIALOG_H_

#include <QDialog>
#include <QJsonObject>

#include "desktop/api_client.h"

class QLabel;
class QLineEdit;
class QPushButton;

namespace nimbus::desktop {

class LoginDialog : public QDialog {
  Q_OBJECT
 public:
  LoginDialog(ApiClient* api, const QString& server, const QString& user,
              QWidget* parent = nullptr);

  QString server() const;
  QString user() const;
  const QByteArray& token() const { return token_; }
  const QJsonObject& user_json() const { return user_json_; }
  // Shown above the form, e.g. "your session expired".
  void SetNotice(const QString& text);

  QLineEdit* server_edit() const { return server_; }
  QLineEdit* user_edit() const { return user_; }
  QLineEdit* password_edit() const { return password_; }
  QPushButton* sign_in_button() const { return sign_in_; }
  QPushButton* register_button() const { return register_; }
  QLabel* status_label() const { return status_; }

 Q_SIGNALS:
  void SignedIn();

 private:
  bool Check();
  void SignIn();
  void Register();
  void Busy(bool busy);

  ApiClient* api_;
  QLineEdit* server_;
  QLineEdit* user_;
  QLineEdit* password_;
  QPushButton* sign_in_;
  QPushButton* register_;
  QLabel* status_;
  QByteArray token_;
  QJsonObject user_json_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_LOGIN_DIALOG_H_
