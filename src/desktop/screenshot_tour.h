// Drives the real window through a short session against a running
// server and saves screenshots (main window, transfer queue, share dialog)
// for the README. Used by scripts/desktop-screenshots.sh under Xvfb.
#ifndef NIMBUS_DESKTOP_SCREENSHOT_TOUR_H_
#define NIMBUS_DESKTOP_SCREENSHOT_TOUR_H_

#include <QString>
#include <functional>

namespace nimbus::desktop {

class MainWindow;

class ScreenshotTour {
 public:
  // Returns the process exit code: 0 when every screenshot was saved.
  static int Run(MainWindow* window, const QString& server, const QString& user,
                 const QString& password, const QString& out_dir);
  // Processes events until `done` holds or `ms` pass; false on timeout.
  static bool WaitFor(const std::function<bool()>& done, int ms);
};

}  // namespace nimbus::desktop

#endif  // NIMBUS_DESKTOP_SCREENSHOT_TOUR_H_
