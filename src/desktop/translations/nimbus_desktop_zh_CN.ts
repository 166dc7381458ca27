<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ApiResult</name>
    <message>
        <location filename="../api_result.cc" line="27"/>
        <source>Cannot reach the server. Check your network connection and the server address.</source>
        <translation>无法连接服务器。请检查网络连接和服务器地址。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="35"/>
        <source>The server refused the request: %1</source>
        <translation>服务器拒绝了请求：%1</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="39"/>
        <source>Your session has expired. Please sign in again.</source>
        <translation>登录已过期，请重新登录。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="43"/>
        <source>Wrong password.</source>
        <translation>密码错误。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="45"/>
        <source>This server does not accept new accounts.</source>
        <translation>此服务器不开放注册。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="48"/>
        <source>You are not allowed to do that.</source>
        <translation>您没有执行此操作的权限。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="51"/>
        <source>It no longer exists: it was deleted or moved.</source>
        <translation>该项目已不存在：可能已被删除或移动。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="54"/>
        <source>An item with that name already exists here.</source>
        <translation>此处已有同名项目。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="57"/>
        <source>The link has expired or reached its download limit.</source>
        <translation>链接已过期或已达到下载次数上限。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="60"/>
        <source>The file is larger than this server accepts.</source>
        <translation>文件超过了服务器允许的大小。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="63"/>
        <source>The server is busy with this transfer; retrying.</source>
        <translation>服务器正在处理此传输，稍后重试。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="68"/>
        <source>Too many attempts. Please wait a moment.</source>
        <translation>尝试次数过多，请稍候。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="70"/>
        <source>Too many attempts. Try again in %1 seconds.</source>
        <translation>尝试次数过多，请 %1 秒后再试。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="76"/>
        <source>The data was damaged on the way; it will be sent again.</source>
        <translation>数据在传输中损坏，将重新发送。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="80"/>
        <source>Not enough space: this does not fit in your quota.</source>
        <translation>空间不足：超出了您的配额。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="86"/>
        <source>The server has a problem (error %1). Try again later.</source>
        <translation>服务器出现问题（错误 %1），请稍后再试。</translation>
    </message>
    <message>
        <location filename="../api_result.cc" line="91"/>
        <source>Unexpected answer from the server (HTTP %1).</source>
        <translation>服务器返回了意外的响应（HTTP %1）。</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::DownloadJob</name>
    <message>
        <location filename="../download_job.cc" line="67"/>
        <source>The share&apos;s download link expired; open the share again.</source>
        <translation>分享的下载链接已过期，请重新打开分享。</translation>
    </message>
    <message>
        <location filename="../download_job.cc" line="92"/>
        <location filename="../download_job.cc" line="167"/>
        <source>Cannot write %1: %2</source>
        <translation>无法写入 %1：%2</translation>
    </message>
    <message>
        <location filename="../download_job.cc" line="163"/>
        <source>The server sent more bytes than the file has.</source>
        <translation>服务器发送的数据超过了文件大小。</translation>
    </message>
    <message>
        <location filename="../download_job.cc" line="176"/>
        <source>the download stopped early</source>
        <translation>下载提前中断</translation>
    </message>
    <message>
        <location filename="../download_job.cc" line="199"/>
        <source>The downloaded data did not match the file&apos;s checksum; it will be downloaded again.</source>
        <translation>下载的数据与文件校验值不符，将重新下载。</translation>
    </message>
    <message>
        <location filename="../download_job.cc" line="207"/>
        <source>Cannot rename %1 to %2.</source>
        <translation>无法将 %1 重命名为 %2。</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::FileTableModel</name>
    <message>
        <location filename="../file_table_model.cc" line="200"/>
        <source>Folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="206"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="240"/>
        <location filename="../file_table_model.cc" line="261"/>
        <source>Shared</source>
        <translation>已分享</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="251"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="253"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="255"/>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="257"/>
        <source>Modified</source>
        <translation>修改时间</translation>
    </message>
    <message>
        <location filename="../file_table_model.cc" line="259"/>
        <source>Downloads</source>
        <translation>下载次数</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::FolderTreeModel</name>
    <message>
        <location filename="../folder_tree_model.cc" line="14"/>
        <source>My files</source>
        <translation>我的文件</translation>
    </message>
    <message>
        <location filename="../folder_tree_model.cc" line="17"/>
        <location filename="../folder_tree_model.cc" line="32"/>
        <location filename="../folder_tree_model.cc" line="81"/>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::FolderUpload</name>
    <message>
        <location filename="../folder_upload.cc" line="18"/>
        <source>%1 is not a folder.</source>
        <translation>%1 不是文件夹。</translation>
    </message>
    <message>
        <location filename="../folder_upload.cc" line="81"/>
        <source>A file named %1 is in the way of the folder.</source>
        <translation>已存在名为 %1 的文件，无法创建同名文件夹。</translation>
    </message>
    <message>
        <location filename="../folder_upload.cc" line="89"/>
        <source>The folder %1 could not be created.</source>
        <translation>无法创建文件夹 %1。</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::LoginDialog</name>
    <message>
        <location filename="../login_dialog.cc" line="15"/>
        <source>Sign in to Nimbus</source>
        <translation>登录 Nimbus</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="25"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="27"/>
        <source>Create account</source>
        <translation>注册账号</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="29"/>
        <source>Server</source>
        <translation>服务器</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="30"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="31"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="57"/>
        <source>Connecting…</source>
        <translation>正在连接…</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="65"/>
        <source>Enter the server address, like http://127.0.0.1:8090</source>
        <translation>请输入服务器地址，例如 http://127.0.0.1:8090</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="70"/>
        <source>User names have 3 to 32 letters, digits, &apos;_&apos;, &apos;.&apos; or &apos;-&apos;.</source>
        <translation>用户名为 3 到 32 个字母、数字、“_”、“.”或“-”。</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="74"/>
        <source>Enter your password.</source>
        <translation>请输入密码。</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="92"/>
        <source>Wrong user name or password.</source>
        <translation>用户名或密码错误。</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="108"/>
        <source>Choose a password of at least 8 characters.</source>
        <translation>请设置至少 8 个字符的密码。</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="119"/>
        <source>That user name is taken.</source>
        <translation>该用户名已被占用。</translation>
    </message>
    <message>
        <location filename="../login_dialog.cc" line="121"/>
        <source>Not accepted: %1</source>
        <translation>未被接受：%1</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::MainWindow</name>
    <message>
        <location filename="../main_window.cc" line="116"/>
        <source>Nimbus</source>
        <translation>Nimbus</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="154"/>
        <source>&amp;Upload files…</source>
        <translation>上传文件(&amp;U)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="157"/>
        <source>Upload &amp;folder…</source>
        <translation>上传文件夹(&amp;F)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="159"/>
        <source>&amp;New folder</source>
        <translation>新建文件夹(&amp;N)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="161"/>
        <source>&amp;Download</source>
        <translation>下载(&amp;D)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="163"/>
        <source>&amp;Share…</source>
        <translation>分享(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="165"/>
        <source>&amp;Rename</source>
        <translation>重命名(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="167"/>
        <source>&amp;Move to…</source>
        <translation>移动到(&amp;M)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="169"/>
        <source>De&amp;lete</source>
        <translation>删除(&amp;L)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="171"/>
        <source>&amp;Restore</source>
        <translation>还原(&amp;R)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="173"/>
        <source>Delete for &amp;good</source>
        <translation>彻底删除(&amp;G)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="175"/>
        <source>&amp;Empty trash</source>
        <translation>清空回收站(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="177"/>
        <source>Re&amp;fresh</source>
        <translation>刷新(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="187"/>
        <source>&amp;Up</source>
        <translation>上一级(&amp;U)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="197"/>
        <source>Re&amp;voke</source>
        <translation>取消分享(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="199"/>
        <source>&amp;Copy link</source>
        <translation>复制链接(&amp;C)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="201"/>
        <source>Save to &amp;my drive</source>
        <translation>保存到我的网盘(&amp;M)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="203"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="205"/>
        <source>Open a share &amp;link…</source>
        <translation>打开分享链接(&amp;L)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="209"/>
        <source>&amp;Settings…</source>
        <translation>设置(&amp;S)…</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="217"/>
        <source>Sign &amp;out</source>
        <translation>退出登录(&amp;O)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="219"/>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="225"/>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="229"/>
        <source>&amp;Edit</source>
        <translation>编辑(&amp;E)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="231"/>
        <source>&amp;View</source>
        <translation>查看(&amp;V)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="233"/>
        <source>Files</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="240"/>
        <source>Search by name (Ctrl+F)</source>
        <translation>按名称搜索 (Ctrl+F)</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="256"/>
        <location filename="../main_window.cc" line="265"/>
        <location filename="../main_window.cc" line="274"/>
        <location filename="../main_window.cc" line="432"/>
        <location filename="../main_window.cc" line="530"/>
        <location filename="../main_window.cc" line="534"/>
        <location filename="../main_window.cc" line="610"/>
        <source>My files</source>
        <translation>我的文件</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="267"/>
        <source>Trash</source>
        <translation>回收站</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="269"/>
        <source>My shares</source>
        <translation>我的分享</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="271"/>
        <source>Share square</source>
        <translation>分享广场</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="379"/>
        <source>Loading…</source>
        <translation>加载中…</translation>
    </message>
    <message numerus="yes">
        <location filename="../main_window.cc" line="383"/>
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n 项</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="422"/>
        <source>The session will not be remembered: %1</source>
        <translation>无法保存登录状态：%1</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="426"/>
        <source>Nimbus — %1</source>
        <translation>Nimbus — %1</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="444"/>
        <source>Your session has expired. Sign in again; your transfers are kept and go on afterwards.</source>
        <translation>登录已过期。请重新登录；传输任务会保留并在登录后继续。</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="450"/>
        <source>Signed out. Transfers wait until you sign in.</source>
        <translation>已退出登录。传输任务将在您登录后继续。</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="482"/>
        <source>%1 — %2 of %3 used</source>
        <translation>%1 — 已用 %2 / 共 %3</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="548"/>
        <source>Trash: items here still count against your quota.</source>
        <translation>回收站：其中的项目仍占用您的配额。</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="553"/>
        <source>Search results for “%1”</source>
        <translation>“%1”的搜索结果</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="618"/>
        <source>Upload files</source>
        <translation>上传文件</translation>
    </message>
    <message>
        <location filename="../main_window.cc" line="623"/>
        <source>Upload a folder</source>
        <translation>上传文件夹</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::NodeActions</name>
    <message>
        <location filename="../node_actions.cc" line="35"/>
        <location filename="../node_actions.cc" line="36"/>
        <source>New folder</source>
        <translation>新建文件夹</translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="35"/>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="45"/>
        <source>Rename</source>
        <translation>重命名</translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="45"/>
        <source>New name:</source>
        <translation>新名称：</translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="54"/>
        <source>Move to</source>
        <translation>移动到</translation>
    </message>
    <message numerus="yes">
        <location filename="../node_actions.cc" line="74"/>
        <source>Moved %n item(s) to the trash.</source>
        <translation>
            <numerusform>已将 %n 项移入回收站。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="87"/>
        <source>Delete for good</source>
        <translation>彻底删除</translation>
    </message>
    <message numerus="yes">
        <location filename="../node_actions.cc" line="88"/>
        <source>Delete %n item(s) for good? This cannot be undone.</source>
        <translation>
            <numerusform>彻底删除这 %n 项？此操作无法撤销。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="104"/>
        <source>Empty trash</source>
        <translation>清空回收站</translation>
    </message>
    <message>
        <location filename="../node_actions.cc" line="105"/>
        <source>Delete everything in the trash for good?</source>
        <translation>彻底删除回收站中的所有内容？</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::SettingsDialog</name>
    <message>
        <location filename="../settings_dialog.cc" line="21"/>
        <location filename="../settings_dialog.cc" line="67"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="34"/>
        <source>Choose…</source>
        <translation>选择…</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="36"/>
        <location filename="../settings_dialog.cc" line="52"/>
        <source>Download folder</source>
        <translation>下载文件夹</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="41"/>
        <source>System default</source>
        <translation>跟随系统</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="50"/>
        <source>Server (at the next sign-in)</source>
        <translation>服务器（下次登录时生效）</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="51"/>
        <source>Parallel transfers</source>
        <translation>同时传输数</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="53"/>
        <source>Language (after a restart)</source>
        <translation>语言（重启后生效）</translation>
    </message>
    <message>
        <location filename="../settings_dialog.cc" line="68"/>
        <source>Enter the server address, like http://127.0.0.1:8090</source>
        <translation>请输入服务器地址，例如 http://127.0.0.1:8090</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::ShareActions</name>
    <message>
        <location filename="../share_actions.cc" line="34"/>
        <source>Link copied (the password is not stored; send it separately).</source>
        <translation>链接已复制（提取码不会保存，请另行发送）。</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="38"/>
        <source>Save to</source>
        <translation>保存到</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="46"/>
        <source>Saved “%1” to your drive.</source>
        <translation>已将“%1”保存到您的网盘。</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="69"/>
        <location filename="../share_actions.cc" line="76"/>
        <source>Open a share link</source>
        <translation>打开分享链接</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="70"/>
        <source>Link or code:</source>
        <translation>链接或分享码：</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="77"/>
        <source>Password (leave empty when there is none):</source>
        <translation>提取码（没有则留空）：</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="88"/>
        <source>Shared file</source>
        <translation>分享的文件</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="90"/>
        <source>“%1” (%2)</source>
        <translation>“%1”（%2）</translation>
    </message>
    <message>
        <location filename="../share_actions.cc" line="94"/>
        <source>Save to my drive</source>
        <translation>保存到我的网盘</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::ShareDialog</name>
    <message>
        <location filename="../share_dialog.cc" line="35"/>
        <source>Share “%1”</source>
        <translation>分享“%1”</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="36"/>
        <source>Require a password</source>
        <translation>需要提取码</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="41"/>
        <source>1 day</source>
        <translation>1 天</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="42"/>
        <source>7 days</source>
        <translation>7 天</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="43"/>
        <source>30 days</source>
        <translation>30 天</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="44"/>
        <source>Never</source>
        <translation>永不</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="48"/>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="49"/>
        <source>List in the public share square</source>
        <translation>在分享广场公开</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="50"/>
        <source>Create link</source>
        <translation>创建链接</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="52"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="56"/>
        <source>The link appears here</source>
        <translation>链接将显示在这里</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="63"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="64"/>
        <source>Expires after</source>
        <translation>有效期</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="65"/>
        <source>Download limit</source>
        <translation>下载次数上限</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="70"/>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="81"/>
        <source>Copied.</source>
        <translation>已复制。</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="103"/>
        <source>Password: %1</source>
        <translation>提取码：%1</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="112"/>
        <source>The password needs 4 to 64 characters.</source>
        <translation>提取码需要 4 到 64 个字符。</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="121"/>
        <source>Creating…</source>
        <translation>正在创建…</translation>
    </message>
    <message>
        <location filename="../share_dialog.cc" line="134"/>
        <source>The link works until it expires, reaches its limit or you revoke it.</source>
        <translation>链接在过期、达到次数上限或被您取消前一直有效。</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::ShareTableModel</name>
    <message>
        <location filename="../share_table_model.cc" line="68"/>
        <source>(protected) %1</source>
        <translation>（受保护）%1</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="77"/>
        <source>Unlimited</source>
        <translation>不限</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="81"/>
        <source>Never</source>
        <translation>永不</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="86"/>
        <source>Public</source>
        <translation>公开</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="87"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="88"/>
        <source>Link</source>
        <translation>链接</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="98"/>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="100"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="102"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="104"/>
        <source>Downloads</source>
        <translation>下载次数</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="106"/>
        <source>Limit</source>
        <translation>上限</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="108"/>
        <source>Expires</source>
        <translation>过期时间</translation>
    </message>
    <message>
        <location filename="../share_table_model.cc" line="110"/>
        <source>Access</source>
        <translation>访问方式</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::TransferModel</name>
    <message>
        <location filename="../transfer_model.cc" line="54"/>
        <source>%1 h %2 min</source>
        <translation>%1 小时 %2 分</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="55"/>
        <source>%1 min %2 s</source>
        <translation>%1 分 %2 秒</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="56"/>
        <source>%1 s</source>
        <translation>%1 秒</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="63"/>
        <source>Waiting</source>
        <translation>等待中</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="67"/>
        <source>Computing checksum</source>
        <translation>正在计算校验值</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="69"/>
        <source>Checking for instant upload</source>
        <translation>正在检查秒传</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="71"/>
        <source>Verifying</source>
        <translation>正在校验</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="73"/>
        <source>Uploading</source>
        <translation>上传中</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="74"/>
        <source>Downloading</source>
        <translation>下载中</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="78"/>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="81"/>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="84"/>
        <source>Done</source>
        <translation>已完成</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="106"/>
        <source>Upload</source>
        <translation>上传</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="107"/>
        <source>Download</source>
        <translation>下载</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="131"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="133"/>
        <source>Direction</source>
        <translation>方向</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="135"/>
        <source>Size</source>
        <translation>大小</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="137"/>
        <source>Progress</source>
        <translation>进度</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="139"/>
        <source>Speed</source>
        <translation>速度</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="141"/>
        <source>Time left</source>
        <translation>剩余时间</translation>
    </message>
    <message>
        <location filename="../transfer_model.cc" line="143"/>
        <source>Status</source>
        <translation>状态</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::TransferPanel</name>
    <message>
        <location filename="../transfer_panel.cc" line="50"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../transfer_panel.cc" line="52"/>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <location filename="../transfer_panel.cc" line="54"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../transfer_panel.cc" line="55"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../transfer_panel.cc" line="57"/>
        <source>Clear finished</source>
        <translation>清除已完成</translation>
    </message>
    <message>
        <location filename="../transfer_panel.cc" line="90"/>
        <source>Transfers</source>
        <translation>传输列表</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::TransferQueue</name>
    <message>
        <location filename="../transfer_queue.cc" line="67"/>
        <source>The saved transfer list could not be read (%1); it was kept as %2.</source>
        <translation>无法读取已保存的传输列表（%1）；原文件已保留为 %2。</translation>
    </message>
    <message numerus="yes">
        <location filename="../transfer_queue.cc" line="89"/>
        <source>%n saved transfer(s) could not be read and were left out.</source>
        <translation>
            <numerusform>有 %n 个已保存的传输任务无法读取，已被略过。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="135"/>
        <source>%1 is not a file that can be uploaded.</source>
        <translation>%1 不是可上传的文件。</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="157"/>
        <source>Uploading the folder %1 stopped: %2</source>
        <translation>上传文件夹 %1 已停止：%2</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="198"/>
        <source>Downloading the folder %1 stopped: %2</source>
        <translation>下载文件夹 %1 已停止：%2</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="399"/>
        <source>Instant upload: the server already had this content.</source>
        <translation>秒传：服务器上已有相同内容。</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="418"/>
        <source>Waiting for you to sign in again.</source>
        <translation>等待重新登录。</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="430"/>
        <source>%1 Retrying in %2 s.</source>
        <translation>%1 %2 秒后重试。</translation>
    </message>
    <message>
        <location filename="../transfer_queue.cc" line="456"/>
        <location filename="../transfer_queue.cc" line="463"/>
        <source>Cannot save the transfer list to %1: %2</source>
        <translation>无法将传输列表保存到 %1：%2</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::TusUpload</name>
    <message>
        <location filename="../tus_upload.cc" line="86"/>
        <source>The file %1 changed or cannot be read; add it again.</source>
        <translation>文件 %1 已改变或无法读取，请重新添加。</translation>
    </message>
    <message>
        <location filename="../tus_upload.cc" line="162"/>
        <source>The server answered with a bad upload offset.</source>
        <translation>服务器返回了错误的上传偏移量。</translation>
    </message>
    <message>
        <location filename="../tus_upload.cc" line="169"/>
        <source>The server has not finished the file yet.</source>
        <translation>服务器尚未完成该文件。</translation>
    </message>
</context>
<context>
    <name>nimbus::desktop::UploadJob</name>
    <message>
        <location filename="../upload_job.cc" line="25"/>
        <source>The file %1 no longer exists or cannot be read.</source>
        <translation>文件 %1 已不存在或无法读取。</translation>
    </message>
    <message>
        <location filename="../upload_job.cc" line="90"/>
        <source>The file %1 changed while it was being read; add it again.</source>
        <translation>文件 %1 在读取时发生了变化，请重新添加。</translation>
    </message>
</context>
</TS>
