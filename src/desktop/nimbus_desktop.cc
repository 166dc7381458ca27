// nimbus-desktop: the Qt desktop client of a Nimbus cloud disk.
//
//   nimbus-desktop [--server URL] [--data-dir DIR]
//   nimbus-desktop --screenshots DIR --server URL --user NAME --password PW
//
// The second form signs in, fills the window with what the account holds,
// and saves screenshots of the main window, the transfer queue and the
// share dialog (scripts/desktop-screenshots.sh runs it under Xvfb).
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>
#include <QStandardPaths>
#include <QTranslator>

#include "desktop/main_window.h"
#include "desktop/screenshot_tour.h"

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("Nimbus");
  QApplication::setApplicationName("nimbus-desktop");
  QApplication::setApplicationVersion("0.1.0");

  QCommandLineParser cli;
  cli.setApplicationDescription("Nimbus cloud disk desktop client");
  cli.addHelpOption();
  cli.addVersionOption();
  QCommandLineOption server({"s", "server"}, "nimbus-web address.", "url");
  QCommandLineOption data_dir("data-dir",
                              "Where the session and the transfer queue are "
                              "kept.",
                              "dir");
  QCommandLineOption lang("lang", "UI language (en, zh_CN).", "lang");
  QCommandLineOption shots("screenshots", "Save screenshots to DIR and quit.",
                           "dir");
  QCommandLineOption user("user", "User for --screenshots.", "name");
  QCommandLineOption password("password", "Password for --screenshots.", "pw");
  cli.addOptions({server, data_dir, lang, shots, user, password});
  cli.process(app);

  QString data =
      cli.isSet(data_dir)
          ? cli.value(data_dir)
          : QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  QDir().mkpath(data);
  QSettings settings(data + "/settings.ini", QSettings::IniFormat);
  if (cli.isSet(server)) settings.setValue("server", cli.value(server));

  QString language = cli.isSet(lang) ? cli.value(lang)
                                     : settings.value("ui/language").toString();
  QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
  QTranslator ours, qt;
  if (ours.load(locale, "nimbus_desktop", "_", ":/i18n")) {
    QApplication::installTranslator(&ours);
  }
  if (qt.load(locale, "qtbase", "_",
              QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
    QApplication::installTranslator(&qt);
  }

  nimbus::desktop::MainWindow window(&settings, data);
  if (cli.isSet(shots)) {
    return nimbus::desktop::ScreenshotTour::Run(
        &window, cli.value(server), cli.value(user), cli.value(password),
        cli.value(shots));
  }
  if (!window.SignIn()) return 0;
  window.show();
  return app.exec();
}
