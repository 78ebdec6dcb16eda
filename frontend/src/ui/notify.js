// Desktop notifications (and an optional sound) for a new P1 case in my queues and for
// @mentions. The sound is synthesised (Web Audio), so there is no media file to ship.

import { byId } from "../lib/dom.js";

const SOUND_KEY = "inbox.desk.sound";

export class Notifier {
  constructor() {
    this.button = byId("enable-notifications");
    this.sound = byId("sound");
    this.sound.checked = window.localStorage.getItem(SOUND_KEY) === "on";
    this.sound.addEventListener("change", () => {
      window.localStorage.setItem(SOUND_KEY, this.sound.checked ? "on" : "off");
      if (this.sound.checked) this.beep();
    });
    this.button.addEventListener("click", async () => {
      await Notification.requestPermission();
      this.paint();
    });
    this.paint();
  }

  supported() {
    return "Notification" in window;
  }

  paint() {
    const permission = this.supported() ? Notification.permission : "denied";
    this.button.hidden = permission !== "default";
  }

  /** notify("New P1 case", "…", () => open it) */
  notify(title, body, onClick, tag) {
    if (this.sound.checked) this.beep();
    if (!this.supported() || Notification.permission !== "granted") return null;
    const note = new Notification(title, { body, tag, renotify: Boolean(tag) });
    note.onclick = () => {
      window.focus();
      onClick?.();
      note.close();
    };
    return note;
  }

  beep() {
    try {
      const audio = new AudioContext();
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      tone.connect(gain).connect(audio.destination);
      tone.start();
      tone.stop(audio.currentTime + 0.4);
      tone.onended = () => audio.close();
    } catch {
      // no audio device: the notification itself is enough
    }
  }
}
