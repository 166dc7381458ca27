// Creates a share link for one file: optional password (提取码), expiry,
// download limit, public listing; then shows the link to copy.
#ifndef NIMBUS_DESKTOP_SHARE_DIALOG_H_
#define NIMBUS_DESKTOP_SHARE_DIALOG_H_

#include <QDialog>
#include <QJsonObject>

#include "desktop/api_client.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace nimbus::desktop {

class ShareDialog : public QDialog {
  Q_OBJECT
 public:
  ShareDialog(ApiClient* api, qint64 node, const QString& name,
              QWidget* parent = nullptr);

  // After Create: the share as the server described it, and the text that
  // the Copy button puts on the clipboard.
  const QJsonObject& share() const { return share_; }
  QString LinkText() const;
  QString ShareUrl() const;

  QCheckBox* password_box() const { return use_password_; }
  QLineEdit* password_edit() const { return password_; }
  QComboBox* expiry_combo() const { return expiry_; }
  QSpinBox* limit_spin() const { return limit_; }
  QCheckBox* public_box() const { return public_; }
  QPushButton* create_button() const { return create_; }
  QPushButton* copy_button() const { return copy_; }
  QLabel* status_label() const { return status_; }

 Q_SIGNALS:
  void Created(const QJsonObject& share);

 private:
  void Create();

  ApiClient* api_;
  qint64 node_;
  QCheckBox* use_password_;
  QLineEdit* password_;
  QComboBox* expiry_;
  QSpinBox* limit_;
  QCheckBox* public_;
  QPushButton* create_;
  QPushButton* copy_;
  QLineEdit* link_;
  QLabel* status_;
  QJsonObject share_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SHARE_DIALOG_H_
