// nimbus-desktop end to end, with the offscreen platform plugin against a
// real stack: sign in through the dialog, upload a 200 MB file, close the
// app in the middle and reopen it (the upload goes on from where the server
// stands), download it with a pause in the middle and compare, share it with
// a password and fetch the share over HTTP, revoke it, move the file to
// the trash and restore it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <QApplication>
#include <QCryptographicHash>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QTemporaryDir>
#include <cstdio>
#include <cstdlib>
#include <optional>

#include "desktop/file_hasher.h"
#include "desktop/file_table_model.h"
#include "desktop/login_dialog.h"
#include "desktop/main_window.h"
#include "desktop/node_actions.h"
#include "desktop/screenshot_tour.h"
#include "desktop/share_actions.h"
#include "desktop/share_dialog.h"
#include "desktop/transfer_model.h"
#include "desktop/transfer_queue.h"
#include "web_stack.h"

namespace nimbus::test {
namespace {

using desktop::FileHasher;
using desktop::LoginDialog;
using desktop::MainWindow;
using desktop::ScreenshotTour;
using desktop::ShareDialog;
using desktop::TransferItem;
using desktop::TransferQueue;

bool WaitFor(const std::function<bool()>& f, int ms) {
  return ScreenshotTour::WaitFor(f, ms);
}

// The one transfer of `kind` in the window's queue, or nullptr.
const TransferItem* Find(MainWindow* w, TransferItem::Kind kind) {
  for (int i = 0; i < w->transfers()->rowCount(); ++i) {
    if (w->transfers()->ItemAt(i).kind == kind) {
      return &w->transfers()->ItemAt(i);
    }
  }
  return nullptr;
}

class DesktopEndToEnd : public ::testing::Test, protected WebStack {
 protected:
  void SetUp() override {
    quota_ = "4G";
    max_upload_ = "2G";
    Start("sqlite");
  }
  void TearDown() override { Stop(); }
};

TEST_F(DesktopEndToEnd, SignInUploadCloseReopenDownloadAndShare) {
  int64_t mb = 200;
  if (const char* env = std::getenv("NIMBUS_DESKTOP_E2E_MB")) {
    mb = std::atoll(env);
  }
  const int64_t size = mb << 20;
  std::string src = WriteRandom("big.bin", size, 42);
  QString want = *FileHasher::Sha256Hex(QString::fromStdString(src), size);
  QTemporaryDir data;
  QSettings settings(data.filePath("settings.ini"), QSettings::IniFormat);
  settings.setValue("transfers/download_dir", data.filePath("downloads"));
  QString server = QString::fromStdString(WebUrl());
  std::optional<MainWindow> w;
  w.emplace(&settings, data.path());

  // Sign in through the dialog: a wrong password is said plainly.
  {
    LoginDialog d(w->api(), server, "", nullptr);
    d.user_edit()->setText("carol");
    d.password_edit()->setText("carol-password");
    d.register_button()->click();
    ASSERT_TRUE(WaitFor([&] { return !d.token().isEmpty(); }, 30000))
        << d.status_label()->text().toStdString();
    LoginDialog bad(w->api(), server, "carol", nullptr);
    bad.password_edit()->setText("not-her-password");
    bad.sign_in_button()->click();
    ASSERT_TRUE(WaitFor(
        [&] { return bad.status_label()->text().contains("Wrong"); }, 30000))
        << bad.status_label()->text().toStdString();
    EXPECT_TRUE(bad.token().isEmpty());
    w->StartSession(server, "carol", d.token());
  }

  // Upload; close the app a third of the way in.
  w->UploadPaths({QString::fromStdString(src)});
  int64_t before = 0;
  ASSERT_TRUE(WaitFor(
      [&] {
        const TransferItem* t = Find(&*w, TransferItem::Kind::kUpload);
        before = t ? t->done : 0;
        return before >= size / 3;
      },
      300000))
      << "the upload did not get a third of the way";
  w.reset();
  w.emplace(&settings, data.path());
  // The saved session is used again: no dialog.
  ASSERT_TRUE(w->SignIn());
  int64_t lowest = size;
  ASSERT_TRUE(WaitFor(
      [&] {
        const TransferItem* t = Find(&*w, TransferItem::Kind::kUpload);
        if (!t) return false;
        if (t->state == TransferItem::State::kRunning) {
          lowest = std::min<int64_t>(lowest, t->done);
        }
        return t->finished();
      },
      600000))
      << "the upload did not finish after the app was reopened";
  // It went on from where the server stood (at most the piece in flight
  // when the app closed was lost), not from zero.
  EXPECT_GE(lowest, before - (4 << 20) - 1);
  const TransferItem up = *Find(&*w, TransferItem::Kind::kUpload);
  Reply node = Call("GET", fmt::format("/api/v1/nodes/{}", up.node),
                    w->api()->token().toStdString());
  ASSERT_EQ(node.status, 200) << node.body;
  EXPECT_EQ(node.Json()["node"]["size"], size);
  EXPECT_EQ(node.Json()["node"]["sha256"], want.toStdString());

  // The same content again, elsewhere: instant upload, no bytes sent.
  Reply folder =
      Call("POST", "/api/v1/folders", w->api()->token().toStdString(),
           R"({"parent":0,"name":"again"})");
  ASSERT_EQ(folder.status, 201) << folder.body;
  qint64 again = folder.Json()["node"]["id"].get<int64_t>();
  QString path = QString::fromStdString(src);
  w->OnQueue([path, again](TransferQueue* q) { q->AddUpload(path, again); });
  const TransferItem* copy = nullptr;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < w->transfers()->rowCount(); ++i) {
          const TransferItem& t = w->transfers()->ItemAt(i);
          if (t.parent == again && t.finished()) copy = &t;
        }
        return copy != nullptr;
      },
      300000));
  EXPECT_TRUE(copy->instant);

  // Download it from the file table, and compare.
  w->files()->Reload();
  int row = -1;
  ASSERT_TRUE(WaitFor(
      [&] {
        row = w->files()->RowOf(up.node);
        return row >= 0;
      },
      30000));
  w->file_view()->selectRow(row);
  w->DownloadSelected();
  const TransferItem* down = nullptr;
  ASSERT_TRUE(WaitFor(
      [&] {
        down = Find(&*w, TransferItem::Kind::kDownload);
        return down && (down->finished() ||
                        down->state == TransferItem::State::kFailed);
      },
      300000));
  ASSERT_TRUE(down->finished()) << down->message.toStdString();
  EXPECT_EQ(FileHasher::Sha256Hex(down->local_path, size).value_or(""), want);
  EXPECT_FALSE(QFileInfo::exists(down->local_path + ".part"));

  // A download interrupted a third of the way (its .part holds the first
  // third: a loopback download is too fast to pause reliably) goes on with
  // a Range request instead of starting over.
  QString dir = data.filePath("resumed");
  QString sha = want;
  qint64 node_id = up.node;
  w->OnQueue([=](TransferQueue* q) {
    q->Pause(q->AddDownload(node_id, "big.bin", size, sha, dir));
  });
  const TransferItem* second = nullptr;
  ASSERT_TRUE(WaitFor(
      [&] {
        for (int i = 0; i < w->transfers()->rowCount(); ++i) {
          const TransferItem& t = w->transfers()->ItemAt(i);
          if (t.kind == TransferItem::Kind::kDownload &&
              t.local_path.startsWith(dir) &&
              t.state == TransferItem::State::kPaused) {
            second = &t;
          }
        }
        return second != nullptr;
      },
      30000));
  qint64 id = second->id;
  QString part = second->local_path + ".part";
  const int64_t paused_at = size / 3;
  {
    QFile in(QString::fromStdString(src));
    QFile out(part);
    ASSERT_TRUE(in.open(QIODevice::ReadOnly));
    ASSERT_TRUE(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    ASSERT_EQ(out.write(in.read(paused_at)), paused_at);
  }
  w->OnQueue([id](TransferQueue* q) { q->Resume(id); });
  int64_t lowest_down = size;
  ASSERT_TRUE(WaitFor(
      [&] {
        int r = w->transfers()->RowOf(id);
        if (r < 0) return false;
        const TransferItem& t = w->transfers()->ItemAt(r);
        if (t.state == TransferItem::State::kRunning && t.done > 0) {
          lowest_down = std::min<int64_t>(lowest_down, t.done);
        }
        second = &t;
        return t.finished() || t.state == TransferItem::State::kFailed;
      },
      300000));
  ASSERT_TRUE(second->finished()) << second->message.toStdString();
  EXPECT_GE(lowest_down, paused_at) << "the download started over";
  // nginx served the rest only: a 206 of exactly the missing bytes.
  std::string log = ReadAll(dir_ + "/logs/access.log");
  EXPECT_NE(log.find(fmt::format("\" 206 {} ", size - paused_at)),
            std::string::npos)
      << log.substr(log.size() > 2000 ? log.size() - 2000 : 0);
  EXPECT_EQ(FileHasher::Sha256Hex(second->local_path, size).value_or(""), want);
  EXPECT_FALSE(QFileInfo::exists(part));

  // Share it with a password and open the link over HTTP.
  w->file_view()->selectRow(w->files()->RowOf(up.node));
  w->ShareSelected();
  ShareDialog* d = w->findChild<ShareDialog*>();
  ASSERT_NE(d, nullptr);
  d->password_edit()->setText("e2e9");
  d->create_button()->click();
  ASSERT_TRUE(WaitFor([&] { return !d->share().isEmpty(); }, 30000))
      << d->status_label()->text().toStdString();
  std::string link = d->ShareUrl().toStdString();
  EXPECT_TRUE(d->LinkText().contains("e2e9"));
  Reply wrong = Curl(link + "/download",
                     "-X POST -H 'Content-Type: application/json' "
                     "--data-binary '{\"password\":\"nope\"}'");
  EXPECT_EQ(wrong.status, 403);
  Reply ok = Curl(link + "/download",
                  "-X POST -H 'Content-Type: application/json' "
                  "--data-binary '{\"password\":\"e2e9\"}'");
  ASSERT_EQ(ok.status, 200) << ok.body;
  Reply bytes = Curl(ok.Json()["url"].get<std::string>(), "");
  EXPECT_EQ(bytes.status, 200);
  EXPECT_EQ(QCryptographicHash::hash(QByteArrayView(bytes.body),
                                     QCryptographicHash::Sha256)
                .toHex()
                .toStdString(),
            want.toStdString());
  d->close();

  // The actions behind the menus, against the same server: revoke the link
  // (it stops working), move the file to the trash and restore it.
  ASSERT_EQ(Curl(link, "").status, 200);
  desktop::ShareActions shares(w->api(), &*w);
  int changed = 0;
  QObject::connect(&shares, &desktop::ShareActions::SharesChanged,
                   [&] { ++changed; });
  shares.Revoke({d->share().value("code").toString()});
  ASSERT_TRUE(WaitFor([&] { return changed == 1; }, 30000));
  EXPECT_EQ(Curl(link, "").status, 404) << "a revoked link still works";
  desktop::NodeActions nodes(w->api(), &*w);
  QVector<qint64> folders;
  QObject::connect(&nodes, &desktop::NodeActions::FolderChanged,
                   [&](qint64 f) { folders.append(f); });
  QJsonObject file{{"id", up.node}};
  nodes.Trash({file}, 0);
  ASSERT_TRUE(WaitFor([&] { return folders.size() == 1; }, 30000));
  Reply trashed = Call("GET", fmt::format("/api/v1/nodes/{}", up.node),
                       w->api()->token().toStdString());
  ASSERT_EQ(trashed.status, 200) << trashed.body;
  EXPECT_NE(trashed.Json()["node"]["trashed_at"], nullptr) << trashed.body;
  nodes.Restore({file});
  ASSERT_TRUE(WaitFor([&] { return folders.size() == 2; }, 30000));
  Reply restored = Call("GET", fmt::format("/api/v1/nodes/{}", up.node),
                        w->api()->token().toStdString());
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(restored.Json()["node"].value("trashed_at", nlohmann::json()),
            nullptr)
      << restored.body;
  std::printf(
      "desktop: %lld MB upload, app closed at %.1f MB, went on from %.1f MB "
      "after reopening; a download cut at %.1f MB resumed with Range; "
      "instant upload of the same content; share fetched over HTTP; all "
      "byte-identical\n",
      static_cast<long long>(mb), before / 1048576.0, lowest / 1048576.0,
      paused_at / 1048576.0);
}

}  // namespace
}  // namespace nimbus::test

int main(int argc, char** argv) {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  QApplication app(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
