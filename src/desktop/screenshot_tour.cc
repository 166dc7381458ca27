#include "desktop/screenshot_tour.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QItemSelectionModel>
#include <QPushButton>
#include <QRandomGenerator>
#include <QSplitter>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <cstdio>

#include "desktop/file_table_model.h"
#include "desktop/main_window.h"
#include "desktop/share_dialog.h"
#include "desktop/transfer_model.h"
#include "desktop/transfer_queue.h"

namespace nimbus::desktop {
namespace {

bool Call(ApiClient* api, const QByteArray& method, const QString& path,
          const QJsonObject& body, ApiResult* out) {
  bool done = false;
  api->Call(method, path, body, [&](const ApiResult& r) {
    *out = r;
    done = true;
  });
  return ScreenshotTour::WaitFor([&] { return done; }, 30000);
}

void WriteRandom(const QString& path, qint64 size) {
  QFile f(path);
  f.open(QIODevice::WriteOnly);
  QByteArray block(1 << 20, Qt::Uninitialized);
  for (qint64 left = size; left > 0; left -= block.size()) {
    QRandomGenerator::global()->fillRange(
        reinterpret_cast<quint32*>(block.data()), block.size() / 4);
    f.write(block.constData(), std::min<qint64>(left, block.size()));
  }
}

bool Save(QWidget* w, const QString& path) {
  bool ok = w->grab().save(path);
  std::printf("%s %s\n", ok ? "saved" : "FAILED to save", qPrintable(path));
  return ok;
}

}  // namespace

bool ScreenshotTour::WaitFor(const std::function<bool()>& done, int ms) {
  QDeadlineTimer deadline(ms);
  while (!done()) {
    if (deadline.hasExpired()) return false;
    QApplication::processEvents(QEventLoop::AllEvents, 50);
    QThread::msleep(5);
  }
  return true;
}

int ScreenshotTour::Run(MainWindow* w, const QString& server,
                        const QString& user, const QString& password,
                        const QString& out_dir) {
  QDir().mkpath(out_dir);
  ApiClient* api = w->api();
  api->SetServer(QUrl(server));
  QJsonObject cred{{"name", user}, {"password", password}};
  ApiResult r;
  if (!Call(api, "POST", "/api/v1/auth/login", cred, &r)) return 2;
  if (r.status() == 401) {
    Call(api, "POST", "/api/v1/auth/register", cred, &r);
    Call(api, "POST", "/api/v1/auth/login", cred, &r);
  }
  if (!r.ok()) {
    std::fprintf(stderr, "sign-in failed: %s\n", qPrintable(r.PlainWords()));
    return 2;
  }
  QByteArray token = r.json.value("token").toString().toLatin1();
  api->SetToken(token);
  for (const char* name : {"Photos", "Documents", "Videos"}) {
    Call(api, "POST", "/api/v1/folders",
         QJsonObject{{"parent", 0}, {"name", name}}, &r);
  }
  w->StartSession(server, user, token);
  QTemporaryDir tmp;
  QStringList small;
  const char* names[] = {"quarterly-report.pdf", "holiday.jpg", "notes.txt",
                         "budget-2026.xlsx", "song.mp3"};
  qint64 sizes[] = {2'400'000, 3'100'000, 12'000, 480'000, 5'200'000};
  for (int i = 0; i < 5; ++i) {
    QString p = tmp.filePath(names[i]);
    WriteRandom(p, sizes[i]);
    small.append(p);
  }
  w->resize(1280, 860);
  w->show();
  for (QSplitter* split : w->findChildren<QSplitter*>()) {
    if (split->orientation() == Qt::Vertical) split->setSizes({480, 300});
  }
  w->UploadPaths(small);
  if (!WaitFor([&] { return w->files()->rowCount() >= 8; }, 60000)) {
    std::fprintf(stderr, "the uploads did not show up\n");
    return 3;
  }
  // Two big transfers to show the queue moving: one paused part way.
  QString big1 = tmp.filePath("conference-talk.mp4");
  QString big2 = tmp.filePath("backup-2026-11.tar");
  WriteRandom(big1, 300ll << 20);
  WriteRandom(big2, 200ll << 20);
  w->UploadPaths({big1, big2});
  WaitFor(
      [&] {
        TransferModel* m = w->transfers();
        for (int i = 0; i < m->rowCount(); ++i) {
          const TransferItem& t = m->ItemAt(i);
          if (t.name == "backup-2026-11.tar" && t.done > (40ll << 20))
            return true;
        }
        return false;
      },
      120000);
  for (int i = 0; i < w->transfers()->rowCount(); ++i) {
    const TransferItem& t = w->transfers()->ItemAt(i);
    if (t.name == "backup-2026-11.tar") {
      qint64 id = t.id;
      w->OnQueue([id](TransferQueue* q) { q->Pause(id); });
    }
  }
  WaitFor(
      [&] {
        TransferModel* m = w->transfers();
        for (int i = 0; i < m->rowCount(); ++i) {
          const TransferItem& t = m->ItemAt(i);
          if (t.name == "conference-talk.mp4") return t.done > (120ll << 20);
        }
        return false;
      },
      120000);
  bool ok = Save(w, out_dir + "/desktop-main-window.png");
  ok &= Save(w->transfer_view()->parentWidget(),
             out_dir + "/desktop-transfers.png");
  int row = w->files()->RowOf(-1);
  for (int i = 0; i < w->files()->rowCount(); ++i) {
    if (w->files()->NodeAt(i).value("name").toString() ==
        "quarterly-report.pdf") {
      row = i;
    }
  }
  if (row < 0) return 4;
  w->file_view()->selectRow(row);
  w->ShareSelected();
  ShareDialog* d = w->findChild<ShareDialog*>();
  if (!d) return 5;
  WaitFor([&] { return d->isVisible(); }, 5000);
  d->create_button()->click();
  WaitFor([&] { return !d->share().isEmpty(); }, 10000);
  ok &= Save(d, out_dir + "/desktop-share-dialog.png");
  d->close();
  w->OnQueue([](TransferQueue* q) { q->PauseAll(); });
  return ok ? 0 : 6;
}

}  // namespace nimbus::desktop
