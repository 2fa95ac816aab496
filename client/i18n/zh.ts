import type { Messages } from "./en.ts";

/** " 15 分钟"、" 30 秒"；服务器没说多久时是"一会儿"。 */
function awayFor(seconds: number | undefined): string {
  if (seconds === undefined) return "一会儿";
  if (seconds < 60) return ` ${seconds} 秒`;
  return ` ${Math.round(seconds / 60)} 分钟`;
}

/**
 * Simplified Chinese. Typed by the English table: a key missing here, or one English does not
 * have, does not compile (and tests/unit/i18n.test.ts checks the same at run time).
 */
export const zh: Messages = {
  languageName: "中文",
  languageShort: "中文",
  languageSwitch: "语言",
  title: "小蝌蚪池塘",

  joining: "正在进入池塘……",
  cantReach: "连不上池塘，正在重试……",
  reconnecting: "连接断开了，正在重新连接……",
  moving: "正在换到另一个池塘……",
  joinAgain: "重新进入",
  notConnectedChat: "没有连上池塘，你的消息没有发出去。",
  pondClosedOrFull: (asked, now) => `池塘 ${asked} 已关闭或已满，你现在在池塘 ${now}。`,
  pondClosed: (now) => `你的池塘关闭了，现在你在池塘 ${now}。`,
  linkCopied: "链接已复制，发给朋友一起来游吧。",
  shareThisLink: (link) => `分享这个链接：${link}`,
  shareText: "来小蝌蚪池塘和我一起游吧！",

  closedInvalid: "池塘断开了你的连接（无效消息太多）。",
  closedFlooding: "池塘断开了你的连接（消息发得太多）。",
  closedElsewhere: "你在另一个标签页或设备上进入了池塘，这里的连接已断开。",
  closedIdle: (seconds) => `你离开了${awayFor(seconds)}，你在池塘里的位置已经空出来了。`,
  swimAgain: "回到池塘",
  couldNotJoin: "没能进入池塘。",
  disconnected: "与池塘的连接已断开。",

  noticesLabel: "池塘的系统消息",
  noticeFrom: "池塘",
  chatThrottled: "你说话太快了，请稍等一下。",
  renameThrottled: "你改名太频繁了，请稍等一下。",
  nameTaken: (asked, given) => `池塘里已经有人叫“${asked}”了，你在这里叫“${given}”。`,
  nameTakenPlain: "这个名字在池塘里已经有人用了，已在你的名字后面加上编号。",

  chatPlaceholder: "说点什么……（↑ 翻看发过的话，发送 name: 小明 可以改名）",
  chatLabel: "聊天消息",
  chatButton: "聊天",
  chatButtonTitle: "聊天（也可以直接打字）",

  namePlaceholder: "你的名字",
  nameLabel: "你的名字",

  players: (n) => `${n} 人`,
  pond: (id) => `池塘 ${id}`,
  ponds: "池塘列表",
  notInPond: "不在池塘里",
  joiningPond: "正在进入池塘……",
  pondsNotInPond: "池塘列表（不在池塘里）",
  pondsJoining: "池塘列表（正在进入）",
  pondToggle: (id, players) => `池塘 ${id}${players ? `，${players}` : ""}。显示所有池塘`,
  copyLink: "复制这个池塘的链接",
  share: "分享这个池塘",
  youAreHere: "你在这里",
  full: "已满",
  join: "进入",
  joinPond: (id) => `进入池塘 ${id}`,
  pondsLoadFailed: "池塘列表加载失败。",
  pondsLoading: "加载中……",
  pondsRefreshFailed: "列表刷新失败。",
  noPonds: "现在没有开放的池塘。",
  pondsNote: "新玩家会进入还有空位、人最多的池塘。",

  playersNearby: "附近的玩家",
  muted: "已屏蔽",
  nobodyNear: "附近没有人。",
  mutedNote: "被屏蔽的玩家说的话不会显示给你。",
  mute: "屏蔽",
  unmute: "取消屏蔽",
  muteName: (name) => `屏蔽 ${name}`,
  unmuteName: (name) => `取消屏蔽 ${name}`,

  largest: "最大的",
  bestEver: (name, mass) => `历史最佳：${name}（${mass}）`,
  leaderEntry: (place, name, mass) => `第${place}名 ${name}（${mass}）`,
  nobodyFed: "吃掉小虫就会长大。",

  fullscreen: "全屏",
  exitFullscreen: "退出全屏",

  sound: "声音",
  soundOffTitle: "声音已关闭：点击开启轻柔的水声和聊天提示音",
  soundOnTitle: "声音已开启：点击关闭",

  welcomeTitle: "欢迎来到小蝌蚪池塘",
  welcomeSwimMouse: "游动：在想去的地方按住鼠标，或者用方向键。",
  welcomeSwimTouch: "游动：手指按住想去的地方。",
  welcomeChatKeys: "聊天：直接打字，按回车发送。",
  welcomeChatTouch: "聊天：点右下角的聊天按钮。",
  welcomeName: "改名：在聊天里发送 `name: 小明`，或者直接改左下角的名字。",
  welcomeClose: "关闭",

  guestWords: [
    "小蝌蚪", "小青蛙", "小荷叶", "小涟漪", "小泡泡", "小浮萍", "小芦苇", "小蜻蜓",
    "小睡莲", "小石子", "小鱼儿", "小水花", "萤火虫", "小雨点", "小蜗牛", "小金鱼",
  ],
};
