// Unit tests of nimbus-desktop's logic against FakeTusServer: the tus
// client through cuts, damage and expiry; the transfer queue's scheduling,
// pause/resume, retries, session loss, persistence and cancel; downloads
// that resume with Range; the paged file model; the session file.
#include <sys/stat.h>

#include <QCryptographicHash>
#include <QFile>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTranslator>
#include <QtTest>

#include "desktop/api_result.h"
#include "desktop/fake_tus_server.h"
#include "desktop/file_table_model.h"
#include "desktop/session_store.h"
#include "desktop/transfer_model.h"
#include "desktop/transfer_queue.h"
#include "desktop/tus_upload.h"

using namespace nimbus::desktop;

namespace {

QByteArray RandomBytes(qint64 n, quint32 seed) {
  QByteArray b(n, Qt::Uninitialized);
  QRandomGenerator g(seed);
  for (qint64 i = 0; i < n; ++i) b[i] = static_cast<char>(g.generate());
  return b;
}

QString WriteFile(const QTemporaryDir& dir, const QString& name,
                  const QByteArray& data) {
  QString p = dir.filePath(name);
  QFile f(p);
  f.open(QIODevice::WriteOnly);
  f.write(data);
  return p;
}

// The queue's latest snapshot of each item.
struct Snapshots {
  explicit Snapshots(TransferQueue* q) {
    QObject::connect(q, &TransferQueue::ItemChanged,
                     [this](const TransferItem& t) {
                       items[t.id] = t;
                       int running = 0;
                       for (const auto& i : items)
                         running += i.state == TransferItem::State::kRunning;
                       max_running = std::max(max_running, running);
                     });
  }
  QHash<qint64, TransferItem> items;
  int max_running = 0;
};

}  // namespace

class DesktopTest : public QObject {
  Q_OBJECT
 private:
  std::unique_ptr<TransferQueue> NewQueue(FakeTusServer* server,
                                          const QString& state) {
    auto q = std::make_unique<TransferQueue>(server, state);
    q->SetRetryDelays(10, 50);
    q->SetSession(QUrl("http://fake"), "good");
    return q;
  }

 private Q_SLOTS:
  void TusUploadGoesOnAfterACutPiece() {
    QTemporaryDir dir;
    QByteArray data = RandomBytes(5 << 20, 1);
    QString path = WriteFile(dir, "a.bin", data);
    FakeTusServer server;
    ApiClient api(&server, QUrl("http://fake"));
    api.SetToken("good");
    TusUpload up(&api, path, data.size(), "a.bin", 7, {});
    up.SetPieceSize(1 << 20);
    QSignalSpy done(&up, &TusUpload::Finished);
    QSignalSpy failed(&up, &TusUpload::Failed);
    server.cut_patch_at = 3;
    up.Start();
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(failed[0][0].value<TransferError>().transient);
    QVERIFY(up.offset() > 0 && up.offset() < data.size());
    up.Start();  // HEAD, then the rest
    QTRY_COMPARE(done.size(), 1);
    QCOMPARE(server.creations, 1);
    QCOMPARE(server.heads, 1);
    qint64 node = done[0][0].toLongLong();
    QCOMPARE(server.files.value(node), data);
    QCOMPARE(server.file_names.value(node), QString("a.bin"));
    QCOMPARE(server.uploads.value("u1").parent, 7);
  }

  void TusUploadResendsADamagedPieceAndRecreatesAnExpiredUpload() {
    QTemporaryDir dir;
    QByteArray data = RandomBytes(3 << 20, 2);
    QString path = WriteFile(dir, "b.bin", data);
    FakeTusServer server;
    ApiClient api(&server, QUrl("http://fake"));
    api.SetToken("good");
    TusUpload up(&api, path, data.size(), "b.bin", 0, {});
    up.SetPieceSize(1 << 20);
    QSignalSpy done(&up, &TusUpload::Finished);
    server.damage_next_patch = true;  // the creation's piece: 460
    server.forget_at_patch = 2;       // then the upload expires
    QSignalSpy failed(&up, &TusUpload::Failed);
    up.Start();
    QTRY_VERIFY(done.size() == 1 || failed.size() == 1);
    QVERIFY2(
        failed.isEmpty(),
        qPrintable(failed.value(0).value(0).value<TransferError>().message));
    QCOMPARE(server.creations, 2);
    QCOMPARE(server.files.value(done[0][0].toLongLong()), data);
  }

  void QueueRunsAtMostMaxParallelAndFinishesAll() {
    QTemporaryDir dir;
    FakeTusServer server;
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    q->SetMaxParallel(2);
    QList<QByteArray> contents;
    for (int i = 0; i < 6; ++i) {
      contents.append(RandomBytes(300'000 + i, 10 + i));
      q->AddUpload(WriteFile(dir, QString("f%1").arg(i), contents.last()), 0);
    }
    QTRY_VERIFY_WITH_TIMEOUT(
        std::all_of(snap.items.begin(), snap.items.end(),
                    [](const TransferItem& t) { return t.finished(); }) &&
            snap.items.size() == 6,
        10000);
    QCOMPARE(snap.max_running, 2);
    QSet<QByteArray> stored(server.files.begin(), server.files.end());
    for (const auto& c : contents) QVERIFY(stored.contains(c));
  }

  void QueuePausesResumesAndRetriesTransientFailures() {
    QTemporaryDir dir;
    FakeTusServer server;
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    QByteArray data = RandomBytes(9 << 20, 3);
    qint64 id = q->AddUpload(WriteFile(dir, "big", data), 0);
    QTRY_VERIFY(server.patches >= 1);
    q->Pause(id);
    QCOMPARE(snap.items[id].state, TransferItem::State::kPaused);
    int patches = server.patches;
    QTest::qWait(100);
    QCOMPARE(server.patches, patches);  // paused means no traffic
    server.next_statuses = {503, 0};    // a failing server, then no network
    q->Resume(id);
    QTRY_VERIFY(snap.items[id].finished());
    QCOMPARE(server.files.value(snap.items[id].node), data);
    QCOMPARE(server.creations, 1);
  }

  void QueueKeepsAPermanentFailureUntilTheUserRetries() {
    QTemporaryDir dir;
    FakeTusServer server;
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    server.next_statuses = {507};
    qint64 id = q->AddUpload(WriteFile(dir, "x", RandomBytes(1000, 4)), 0);
    QTRY_COMPARE(snap.items[id].state, TransferItem::State::kFailed);
    QVERIFY2(snap.items[id].message.contains("quota"),
             qPrintable(snap.items[id].message));
    QTest::qWait(100);
    QCOMPARE(snap.items[id].state, TransferItem::State::kFailed);
    q->Retry(id);
    QTRY_VERIFY(snap.items[id].finished());
  }

  void QueueWaitsForSignInWhenTheSessionExpires() {
    QTemporaryDir dir;
    FakeTusServer server;
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    QSignalSpy expired(q.get(), &TransferQueue::SessionExpired);
    server.token = "rotated";
    qint64 id = q->AddUpload(WriteFile(dir, "x", RandomBytes(5000, 5)), 0);
    QTRY_COMPARE(expired.size(), 1);
    QCOMPARE(snap.items[id].state, TransferItem::State::kPaused);
    QVERIFY(snap.items[id].waiting_for_sign_in);
    q->SetSession(QUrl("http://fake"), "rotated");
    QTRY_VERIFY(snap.items[id].finished());
  }

  void QueueResumesAfterARestartWithoutStartingOver() {
    QTemporaryDir dir;
    FakeTusServer server;
    QByteArray data = RandomBytes(12 << 20, 6);
    QString path = WriteFile(dir, "movie", data);
    QString state = dir.filePath("q.json");
    server.stall_patches = true;
    {
      auto q = NewQueue(&server, state);
      q->AddUpload(path, 0);
      QTRY_COMPARE(server.creations, 1);  // with the first piece
      QTest::qWait(50);
    }  // the app closes mid-upload
    server.stall_patches = false;
    QVERIFY(!server.uploads.value("u1").data.isEmpty());
    QVERIFY(server.uploads.value("u1").data.size() < data.size());
    auto q = NewQueue(&server, state);
    Snapshots snap(q.get());
    q->Load();
    QTRY_VERIFY_WITH_TIMEOUT(
        !snap.items.isEmpty() && snap.items.begin()->finished(), 10000);
    QVERIFY2(!snap.items.isEmpty(), "nothing loaded");
    QCOMPARE(server.creations, 1);
    QVERIFY(server.heads >= 1);
    QCOMPARE(server.files.value(snap.items.begin()->node), data);
  }

  void AnUnreadableQueueFileIsKeptAside() {
    QTemporaryDir dir;
    QString state = dir.filePath("q.json");
    {
      QFile f(state);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("{\"items\": [ {\"id\": 1, ");  // cut short
    }
    FakeTusServer server;
    auto q = NewQueue(&server, state);
    QSignalSpy notices(q.get(), &TransferQueue::Notice);
    q->Load();
    QCOMPARE(notices.size(), 1);
    QVERIFY(QFile::exists(state + ".unreadable"));
    q->AddUpload(WriteFile(dir, "x", RandomBytes(10, 11)), 0);
    QFile kept(state + ".unreadable");
    QVERIFY(kept.open(QIODevice::ReadOnly));
    QVERIFY(kept.readAll().startsWith("{\"items\""));  // not overwritten
  }

  void CancelEndsTheUploadOnTheServer() {
    QTemporaryDir dir;
    FakeTusServer server;
    auto q = NewQueue(&server, dir.filePath("q.json"));
    QSignalSpy removed(q.get(), &TransferQueue::ItemRemoved);
    qint64 id = q->AddUpload(WriteFile(dir, "c", RandomBytes(20 << 20, 7)), 0);
    QTRY_VERIFY(server.patches >= 1);
    q->Cancel(id);
    QCOMPARE(removed.size(), 1);
    QTRY_COMPARE(server.deletes, 1);
    QVERIFY(server.uploads.isEmpty());
    QVERIFY(q->Items().isEmpty());
  }

  void InstantUploadSendsNoBytes() {
    QTemporaryDir dir;
    FakeTusServer server;
    QByteArray data = RandomBytes(100'000, 8);
    server.known_sha256.insert(QString::fromLatin1(
        QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex()));
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    qint64 id = q->AddUpload(WriteFile(dir, "known", data), 0);
    QTRY_VERIFY(snap.items[id].finished());
    QVERIFY(snap.items[id].instant);
    QCOMPARE(server.instant_uploads, 1);
    QCOMPARE(server.creations, 0);
  }

  void DownloadResumesWithRangeAndChecksTheHash() {
    QTemporaryDir dir;
    FakeTusServer server;
    QByteArray data = RandomBytes(3 << 20, 9);
    server.files.insert(55, data);
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    server.cut_download_after = 1 << 20;
    QString sha = QString::fromLatin1(
        QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex());
    qint64 id =
        q->AddDownload(55, "d.bin", data.size(), sha, dir.filePath("dl"));
    QTRY_VERIFY(snap.items[id].finished());
    QCOMPARE(server.ranges.size(), 2);
    QCOMPARE(server.ranges[1], QByteArray("bytes=1048576-"));
    QFile f(snap.items[id].local_path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), data);
    QVERIFY(!QFile::exists(snap.items[id].local_path + ".part"));
  }

  void DownloadWithAWrongHashIsNotKept() {
    QTemporaryDir dir;
    FakeTusServer server;
    server.files.insert(56, RandomBytes(1000, 10));
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    qint64 id = q->AddDownload(56, "e.bin", 1000, QString(64, 'a'), dir.path());
    QTRY_COMPARE_WITH_TIMEOUT(snap.items[id].state,
                              TransferItem::State::kFailed, 10000);
    QVERIFY(!QFile::exists(dir.filePath("e.bin")));
  }

  void FolderDownloadMirrorsTheTree() {
    QTemporaryDir dir;
    FakeTusServer server;
    server.folder_size = 3;  // every folder lists files 1..3, of 0..2 bytes
    for (qint64 n = 1; n <= 3; ++n)
      server.files.insert(n, RandomBytes(n - 1, n));
    auto q = NewQueue(&server, dir.filePath("q.json"));
    Snapshots snap(q.get());
    q->AddDownloadFolder(9, "album", dir.path());
    QTRY_VERIFY(
        snap.items.size() == 3 &&
        std::all_of(snap.items.begin(), snap.items.end(),
                    [](const TransferItem& t) { return t.finished(); }));
    for (qint64 n = 1; n <= 3; ++n) {
      QFile f(dir.filePath(
          QString("album/file-%1.txt").arg(n - 1, 5, 10, QChar('0'))));
      QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
      QCOMPARE(f.readAll(), server.files.value(n));
    }
  }

  void FileModelPagesThroughTenThousandFiles() {
    FakeTusServer server;
    server.folder_size = 10'000;
    ApiClient api(&server, QUrl("http://fake"));
    api.SetToken("good");
    FileTableModel m(&api);
    // Nothing is asked before something is shown, not even by sorting.
    m.sort(FileTableModel::kModified, Qt::DescendingOrder);
    m.sort(FileTableModel::kName, Qt::AscendingOrder);
    m.Reload();
    QTest::qWait(50);
    QCOMPARE(server.listing_queries.size(), 0);
    m.ShowFolder(0);
    QTRY_COMPARE(m.rowCount(), FileTableModel::kPageSize);
    QVERIFY(m.canFetchMore({}));
    while (m.rowCount() < 10'000) {
      int before = m.rowCount();
      m.fetchMore({});
      QTRY_VERIFY(m.rowCount() > before);
    }
    QVERIFY(!m.canFetchMore({}));
    QCOMPARE(m.data(m.index(9999, FileTableModel::kName), Qt::DisplayRole)
                 .toString(),
             QString("file-09999.txt"));
    QCOMPARE(server.listing_queries.size(), 20);
    m.sort(FileTableModel::kSize, Qt::DescendingOrder);
    QTRY_COMPARE(m.rowCount(), FileTableModel::kPageSize);
    QVERIFY(server.listing_queries.last().contains("sort=size&order=desc"));
    QCOMPARE(m.NodeAt(0).value("size").toInteger(), 9999);
  }

  void TransferModelShowsEachItemOnce() {
    TransferModel m;
    TransferItem t;
    t.id = 7;
    t.name = "a.iso";
    t.size = 1000;
    t.done = 250;
    t.state = TransferItem::State::kRunning;
    t.speed = 50;
    m.Update(t);
    t.done = 500;
    m.Update(t);  // the same item: updated, not added
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.data(m.index(0, 0), TransferModel::kProgressRole).toInt(), 500);
    QCOMPARE(TransferModel::TimeLeft(m.ItemAt(0)), QString("10 s"));
    t.id = 8;
    t.state = TransferItem::State::kPaused;
    m.Update(t);
    QCOMPARE(m.rowCount(), 2);
    QCOMPARE(m.Active(), 1);
    QVERIFY(TransferModel::TimeLeft(m.ItemAt(1)).isEmpty());  // paused
    m.Remove(7);
    QCOMPARE(m.rowCount(), 1);
    QCOMPARE(m.ItemAt(0).id, 8);
  }

  void SessionFileIsPrivate() {
    QTemporaryDir dir;
    SessionStore store(dir.filePath("sub/session.json"));
    QString error;
    QVERIFY(store.Save({"http://h:1", "alice", "tok"}, &error));
    struct stat st;
    QCOMPARE(::stat(QFile::encodeName(store.path()).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);
    auto s = store.Load();
    QVERIFY(s.has_value());
    QCOMPARE(s->token, QByteArray("tok"));
    ::chmod(QFile::encodeName(store.path()).constData(), 0644);
    QVERIFY(store.Load().has_value());
    QCOMPARE(::stat(QFile::encodeName(store.path()).constData(), &st), 0);
    QCOMPARE(st.st_mode & 0777, 0600u);  // tightened again
    store.Clear();
    QVERIFY(!store.Load().has_value());
  }

  void ErrorsAreInPlainWords() {
    HttpResponse r;
    r.network_error = "Connection refused";
    QVERIFY(
        ApiResult::From(r).PlainWords().contains("Cannot reach the server"));
    QVERIFY(ApiResult::From(r).transient());
    r = {};
    r.status = 507;
    QVERIFY(ApiResult::From(r).PlainWords().contains("quota"));
    QVERIFY(!ApiResult::From(r).transient());
    r.status = 401;
    QVERIFY(ApiResult::From(r).session_expired());
    QVERIFY(ApiResult::From(r).PlainWords().contains("sign in again"));
  }

  void ChineseTranslationIsBuiltIn() {
    QTranslator t;
    QVERIFY(t.load(QLocale(QLocale::Chinese, QLocale::China), "nimbus_desktop",
                   "_", ":/i18n"));
    QCOMPARE(t.translate("nimbus::desktop::MainWindow", "Trash"),
             QString("回收站"));
    // tr() in the classes finds them.
    QCoreApplication::installTranslator(&t);
    TransferItem paused;
    paused.state = TransferItem::State::kPaused;
    QCOMPARE(TransferModel::StatusText(paused), QString("已暂停"));
    QCoreApplication::removeTranslator(&t);
    QCOMPARE(t.translate("ApiResult",
                         "Not enough space: this does not fit in your quota."),
             QString("空间不足：超出了您的配额。"));
  }

  void TransferItemsSurviveTheirJson() {
    TransferItem t;
    t.id = 3;
    t.kind = TransferItem::Kind::kDownload;
    t.state = TransferItem::State::kPaused;
    t.name = "名字.txt";
    t.local_path = "/tmp/x";
    t.size = 10;
    t.done = 4;
    t.download_url = "http://u";
    auto back = TransferItem::FromJson(t.ToJson());
    QVERIFY(back.has_value());
    QCOMPARE(back->name, t.name);
    QCOMPARE(back->state, TransferItem::State::kPaused);
    QCOMPARE(back->done, 4);
    QJsonObject bad = t.ToJson();
    bad["done"] = 11;  // past the size
    QVERIFY(!TransferItem::FromJson(bad).has_value());
  }
};

QTEST_MAIN(DesktopTest)
#include "desktop_test.moc"
