// Preferences: parallel transfers, download folder, language.
#ifndef NIMBUS_DESKTOP_SETTINGS_DIALOG_H_
#define NIMBUS_DESKTOP_SETTINGS_DIALOG_H_

#include <QDialog>

class QComboBox;
class QLineEdit;
class QSettings;
class QSpinBox;

namespace nimbus::desktop {

class SettingsDialog : public QDialog {
  Q_OBJECT
 public:
  SettingsDialog(QSettings* settings, QWidget* parent = nullptr);
  void accept() override;

 private:
  QSettings* settings_;
  QLineEdit* server_;
  QSpinBox* parallel_;
  QLineEdit* download_dir_;
  QComboBox* language_;
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SETTINGS_DIALOG_H_
