"""The 2D lab's server runtime, without Gradio: the wire format (protocol), one page's run (session), runs by page
and token (runs), worker processes (workers), runs of one shape trained together (groups), a worker's time shared
among its playing pages (share). The tab (playground/tabs/lab2d.py) is its only caller in the UI."""
