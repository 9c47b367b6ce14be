"""pmdesk: a desktop app for blameless postmortems."""

__version__ = "0.1.0"

# The one reverse-DNS id of the app: the desktop entry's file name (without `.desktop`), the
# AppStream id, the icon name and Qt's desktopFileName (the Wayland app id).
APP_ID = "org.pmdesk.pmdesk"
