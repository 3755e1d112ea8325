; A header a VP script includes is read as VP, so its diagnostics show VP forms too.
(defun h () (return))
