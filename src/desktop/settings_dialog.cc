#include "desktop/settings_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStandardPaths>
#include <QUrl>
#include <QVBoxLayout>

namespace nimbus::desktop {

SettingsDialog::SettingsDialog(QSettings* settings, QWidget* parent)
    : QDialog(parent), settings_(settings) {
  setWindowTitle(tr("Settings"));
  server_ = new QLineEdit(
      settings->value("server", "http://127.0.0.1:8090").toString(), this);
  parallel_ = new QSpinBox(this);
  parallel_->setRange(1, 16);
  parallel_->setValue(settings->value("transfers/parallel", 3).toInt());
  download_dir_ =
      new QLineEdit(settings
                        ->value("transfers/download_dir",
                                QStandardPaths::writableLocation(
                                    QStandardPaths::DownloadLocation))
                        .toString(),
                    this);
  auto* browse = new QPushButton(tr("Choose…"), this);
  connect(browse, &QPushButton::clicked, this, [this] {
    QString d = QFileDialog::getExistingDirectory(this, tr("Download folder"),
                                                  download_dir_->text());
    if (!d.isEmpty()) download_dir_->setText(d);
  });
  language_ = new QComboBox(this);
  language_->addItem(tr("System default"), "");
  language_->addItem("English", "en");
  language_->addItem("中文（简体）", "zh_CN");
  language_->setCurrentIndex(std::max(
      0, language_->findData(settings->value("ui/language", "").toString())));
  auto* dir_row = new QHBoxLayout;
  dir_row->addWidget(download_dir_);
  dir_row->addWidget(browse);
  auto* form = new QFormLayout;
  form->addRow(tr("Server (at the next sign-in)"), server_);
  form->addRow(tr("Parallel transfers"), parallel_);
  form->addRow(tr("Download folder"), dir_row);
  form->addRow(tr("Language (after a restart)"), language_);
  auto* buttons = new QDialogButtonBox(
      QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
  connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addWidget(buttons);
}

void SettingsDialog::accept() {
  QUrl url(server_->text().trimmed(), QUrl::StrictMode);
  if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https") ||
      url.host().isEmpty()) {
    QMessageBox::warning(this, tr("Settings"),
                         tr("Enter the server address, like "
                            "http://127.0.0.1:8090"));
    return;
  }
  settings_->setValue("server", url.toString());
  settings_->setValue("transfers/parallel", parallel_->value());
  settings_->setValue("transfers/download_dir", download_dir_->text());
  settings_->setValue("ui/language", language_->currentData().toString());
  QDialog::accept();
}

}  // namespace nimbus::desktop
