"""The class and doodle services, apart from any tab and without Gradio: classes (codes, secrets, places, join
limits, students' runs), the class wall (tiles, order, filters, the challenge's ranking as HTML) and doodle pools (a
pool and its GAN behind one lock)."""
