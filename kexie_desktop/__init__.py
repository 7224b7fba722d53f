"""科协工作台 (KeXie Desktop)."""

__version__ = "0.1.0"
APP_NAME = "科协工作台"
